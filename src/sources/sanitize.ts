import sanitize from "sanitize-html";
import { resolveSrcset, resolveUrl } from "./urls.js";
import { stripXmlIllegal } from "./xml-chars.js";

/**
 * Upstream HTML is hostile until proven otherwise: an allow-list of presentational tags and
 * attributes, no script/style/iframe/object/embed/form, no event handlers, and only http(s)/mailto
 * URLs, each made absolute against the item's base so the HTML still works when republished.
 */

const ALLOWED_TAGS = [
  ...sanitize.defaults.allowedTags,
  "img",
  "picture",
  "source",
  "video",
  "audio",
  "track",
  "del",
  "ins",
  "details",
  "summary",
];

const ALLOWED_ATTRIBUTES: sanitize.IOptions["allowedAttributes"] = {
  a: ["href", "title", "hreflang"],
  img: ["src", "srcset", "alt", "title", "width", "height"],
  picture: [],
  source: ["src", "srcset", "type", "media", "sizes"],
  video: ["src", "poster", "controls", "width", "height"],
  audio: ["src", "controls"],
  track: ["src", "kind", "srclang", "label"],
  blockquote: ["cite"],
  q: ["cite"],
  del: ["cite", "datetime"],
  ins: ["cite", "datetime"],
  time: ["datetime"],
  ol: ["start", "reversed", "type"],
  li: ["value"],
  td: ["colspan", "rowspan"],
  th: ["colspan", "rowspan", "scope"],
  abbr: ["title"],
};

/** Attributes holding one URL; resolved against the base, dropped when they do not resolve to http(s). */
const URL_ATTRIBUTES = ["href", "src", "poster", "cite"];

function absolutizeAttributes(attribs: sanitize.Attributes, baseUrl: string): sanitize.Attributes {
  const out: sanitize.Attributes = {};
  for (const [name, value] of Object.entries(attribs)) {
    if (URL_ATTRIBUTES.includes(name)) {
      const resolved = /^mailto:/i.test(value.trim()) ? value.trim() : resolveUrl(value, baseUrl);
      if (resolved !== undefined) out[name] = resolved;
    } else if (name === "srcset") {
      const resolved = resolveSrcset(value, baseUrl);
      if (resolved !== "") out[name] = resolved;
    } else {
      out[name] = value;
    }
  }
  return out;
}

function options(baseUrl: string): sanitize.IOptions {
  return {
    allowedTags: ALLOWED_TAGS,
    allowedAttributes: ALLOWED_ATTRIBUTES,
    allowedSchemes: ["http", "https", "mailto"],
    allowedSchemesByTag: {},
    allowProtocolRelative: false,
    disallowedTagsMode: "discard",
    // Raw-text elements whose body is code or markup, never reader-visible text.
    nonTextTags: ["script", "style", "textarea", "option", "noscript", "template", "iframe", "object", "embed"],
    transformTags: {
      "*": (tagName, attribs) => ({ tagName, attribs: absolutizeAttributes(attribs, baseUrl) }),
    },
  };
}

/**
 * Stripped before and after: sanitize-html decodes character references and writes the decoded
 * text back out, so `&#x1F;` in upstream HTML would otherwise come out as a raw U+001F.
 */
export function sanitizeHtml(html: string, baseUrl: string): string {
  return stripXmlIllegal(sanitize(stripXmlIllegal(html), options(baseUrl))).trim();
}
