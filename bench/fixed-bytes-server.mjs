#!/usr/bin/env node
/**
 * `node bench/fixed-bytes-server.mjs PROCESSES RESPONSE_FILE`: the least any Node server can do
 * per request, as a reference for bench/run.mjs and bench/node-floor.mjs. PROCESSES node:cluster
 * workers share one port on 127.0.0.1 (as the service's servers do) and answer every complete
 * request head they read with RESPONSE_FILE's bytes (a whole HTTP/1.1 response), without parsing
 * anything. Prints the port once every worker listens; SIGTERM stops it.
 */
import cluster from "node:cluster";
import { readFileSync } from "node:fs";
import net from "node:net";

const [processesArgument, responseFile] = process.argv.slice(2);
const processes = Number(processesArgument);
if (!Number.isInteger(processes) || processes < 1 || responseFile === undefined) {
  console.error("usage: node bench/fixed-bytes-server.mjs PROCESSES RESPONSE_FILE");
  process.exit(2);
}

if (cluster.isPrimary) {
  let listening = 0;
  let port;
  for (let index = 0; index < processes; index++) {
    cluster.fork().on("message", (message) => {
      port = message.port;
      if (++listening === processes) console.log(port);
    });
  }
  cluster.on("exit", (_worker, code, signal) => {
    if (signal === "SIGTERM") return;
    // Without every worker the reference would measure less than it claims, or never start.
    console.error(`bench: a fixed-bytes worker exited (${signal ?? code})`);
    process.exit(1);
  });
  process.once("SIGTERM", () => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.kill("SIGTERM");
    process.exit(0);
  });
} else {
  const response = readFileSync(responseFile);
  const server = net.createServer((socket) => {
    // As node:http does; set on the socket, since a cluster worker's sockets do not get the server option.
    socket.setNoDelay(true);
    socket.on("data", (chunk) => {
      for (let at = chunk.indexOf("\r\n\r\n"); at !== -1; at = chunk.indexOf("\r\n\r\n", at + 4)) {
        socket.write(response);
      }
    });
    socket.on("error", () => socket.destroy());
  });
  // In a cluster worker, port 0 is one port shared by every worker.
  server.listen(0, "127.0.0.1", () => process.send?.({ port: server.address().port }));
}
