/**
 * Times on the HTML pages: the markup holds the exact instant (text and `title` tooltip), and a
 * tiny inline script rewrites the text as "5 min ago" in the reader's language. Without script
 * the page still says exactly when; with it, the exact instant stays on hover.
 */
import { escapeMarkup } from "./html-escape.js";

/** `<time>` for an ISO 8601 instant, shown as `YYYY-MM-DD HH:MM UTC` until the script runs. */
export function timeElement(iso: string | undefined, fallback = "never"): string {
  if (iso === undefined || iso === "") return escapeMarkup(fallback);
  const exact = `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
  return `<time datetime="${escapeMarkup(iso)}" title="${escapeMarkup(iso)}">${escapeMarkup(exact)}</time>`;
}

/** Intl.RelativeTimeFormat (ECMA-402 §17) picks the words; the largest unit that fits is used. */
export const RELATIVE_TIME_SCRIPT = `<script>
(function () {
  var units = [["day", 86400], ["hour", 3600], ["minute", 60], ["second", 1]];
  var format = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });
  function relative(then) {
    var seconds = Math.round((then - Date.now()) / 1000);
    for (var i = 0; i < units.length; i++) {
      var size = units[i][1];
      if (Math.abs(seconds) >= size || size === 1) return format.format(Math.round(seconds / size), units[i][0]);
    }
  }
  function update() {
    document.querySelectorAll("time[datetime]").forEach(function (el) {
      var then = Date.parse(el.getAttribute("datetime"));
      if (!isNaN(then)) el.textContent = relative(then);
    });
  }
  update();
  setInterval(update, 30000);
})();
</script>`;
