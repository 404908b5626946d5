/**
 * Source URLs as ops write them may carry credentials: `https://user:password@host/…` (RFC 3986
 * §3.2.1 deprecates it, yet feeds behind basic auth use it) and API keys in the query. /status is
 * public and logs travel far, so a URL is shown with those parts masked and everything else — the
 * host and path ops need to recognise it — kept. Every place that shows or logs a source URL, an
 * error about one, or a request URL goes through these two functions.
 */

/**
 * Query parameters that carry a credential (case-insensitive; `-` and `_` spellings alike): key,
 * api_key, apikey, token, access_token, secret, password, sig, signature, and any of them after a
 * `_`/`-` prefix (admin_token, client_secret, x-api-key). `keyword` or `monkey` are not credentials.
 */
const SECRET_PARAMETER = /^(?:[\w.-]*[-_])?(?:key|api[-_]?key|apikey|token|secret|password|sig|signature)$/i;

const MASK = "***";

/** The URL with userinfo and credential-like query values masked: `https://***@host/path?api_key=***`. */
export function redactUrl(url: string): string {
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(url);
  if (scheme === null) return redactQuery(url);
  const rest = url.slice(scheme[0].length);
  // The authority ends at the first /, ? or #; userinfo is what precedes its last @ (RFC 3986 §3.2).
  const authorityEnd = rest.search(/[/?#]/);
  const authority = authorityEnd === -1 ? rest : rest.slice(0, authorityEnd);
  const at = authority.lastIndexOf("@");
  const host = at === -1 ? authority : `${MASK}@${authority.slice(at + 1)}`;
  return `${scheme[0]}${host}${redactQuery(authorityEnd === -1 ? "" : rest.slice(authorityEnd))}`;
}

/** A path (and query and fragment) with credential-like query values masked; a request target like `/admin?token=…` too. */
function redactQuery(target: string): string {
  const queryStart = target.indexOf("?");
  if (queryStart === -1) return target;
  const fragmentStart = target.indexOf("#", queryStart);
  const queryEnd = fragmentStart === -1 ? target.length : fragmentStart;
  const query = target
    .slice(queryStart + 1, queryEnd)
    .split("&")
    .map((pair) => {
      const equals = pair.indexOf("=");
      const name = equals === -1 ? pair : pair.slice(0, equals);
      return SECRET_PARAMETER.test(decodeName(name)) && equals !== -1 ? `${name}=${MASK}` : pair;
    })
    .join("&");
  return `${target.slice(0, queryStart + 1)}${query}${target.slice(queryEnd)}`;
}

function decodeName(name: string): string {
  try {
    return decodeURIComponent(name.replace(/\+/g, " ")).trim();
  } catch {
    return name;
  }
}

/** Characters that end a URL quoted in prose; trailing punctuation belongs to the sentence. */
const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`]+/gi;
const TRAILING_PUNCTUATION = /[.,;:!?)\]}]+$/;

/** Free text (an error message, a warning) with every URL in it redacted as by redactUrl. */
export function redactUrlsIn(text: string): string {
  return text.replace(URL_IN_TEXT, (found) => {
    const trailing = TRAILING_PUNCTUATION.exec(found)?.[0] ?? "";
    return redactUrl(found.slice(0, found.length - trailing.length)) + trailing;
  });
}
