/** Never echo a password from a connection string into logs or errors. */
export function redactUrl(databaseUrl: string): string {
  return databaseUrl.replace(/\/\/([^/@:]*):[^/@]*@/, "//$1:***@");
}
