/**
 * Click-tracking query parameters: they say where a click came from (Google Analytics `utm_*`,
 * Facebook `fbclid`, Google Ads `gclid`, Mailchimp `mc_cid`/`mc_eid`), not which page it is. One
 * list for every place that compares pages: html-articles' listing links and the store's stories.
 */
const TRACKING_PARAMETER = /^(?:utm_\w+|fbclid|gclid|mc_cid|mc_eid)$/i;

/** `url` without its tracking parameters (a new URL; the argument is not changed). */
export function withoutTrackingParameters(url: URL): URL {
  const cleaned = new URL(url.href);
  for (const name of [...cleaned.searchParams.keys()]) {
    if (TRACKING_PARAMETER.test(name)) cleaned.searchParams.delete(name);
  }
  return cleaned;
}
