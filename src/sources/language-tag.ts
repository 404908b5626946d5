/**
 * An upstream language as a tag feeds can carry: a well-formed BCP 47 language tag (RFC 5646 §2.1)
 * whose primary subtag is an ISO 639-1 code, since the W3C Feed Validator checks RSS `<language>`
 * and Atom `xml:lang` against ISO 639 and readers key on the two-letter code. Anything else
 * ("english", "e", "xx", "sgn-BE-FR") is dropped rather than published invalid.
 */

/** ISO 639-1, as the W3C Feed Validator lists it (deprecated `bh`, `mo` and `sh` included). */
const ISO_639_1 = new Set(
  (
    "aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de dv dz ee el " +
    "en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie ig ii ik io is it iu ja " +
    "jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mo mr ms mt my na nb " +
    "nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg sh si sk sl sm sn so sq " +
    "sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu"
  ).split(" "),
);

/**
 * RFC 5646 §2.1 `langtag` with a two-letter `language`: extlang, script, region, variants,
 * extensions and a private use part, each optional.
 */
const LANGTAG =
  /^([a-z]{2})(?:-[a-z]{3}){0,3}(?:-[a-z]{4})?(?:-(?:[a-z]{2}|\d{3}))?(?:-(?:[a-z\d]{5,8}|\d[a-z\d]{3}))*(?:-[a-wyz\d](?:-[a-z\d]{2,8})+)*(?:-x(?:-[a-z\d]{1,8})+)?$/i;

/** The tag, with "en_US" spelled "en-US"; undefined when it is not one we can publish. */
export function languageTag(value: string | undefined): string | undefined {
  const tag = value?.trim().replace(/_/g, "-");
  const primary = tag === undefined ? undefined : LANGTAG.exec(tag)?.[1];
  return primary !== undefined && ISO_639_1.has(primary.toLowerCase()) ? tag : undefined;
}
