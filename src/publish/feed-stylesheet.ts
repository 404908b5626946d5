/**
 * The XSLT that turns our RSS, Atom and OPML documents into a readable page when a person opens
 * one in a browser, while feed readers keep getting the very same bytes. Documents name it with
 * `<?xml-stylesheet?>` (xml.ts stylesheetInstruction); browsers only
 * apply a same-origin stylesheet, so the href is a path on this server, never another origin.
 * XSLT 1.0 because that is what browsers implement (libxslt).
 */

/** Where the stylesheet is served, under the service's base path. */
export const FEED_STYLESHEET_FILE = "feed.xsl";

/**
 * The href feeds carry: the path of BASE_URL plus the file, without scheme and host, so it stays
 * same-origin however the service is reached (a proxy, localhost, the public name).
 */
export function feedStylesheetHref(baseUrl: string): string {
  const path = new URL(baseUrl).pathname.replace(/\/+$/, "");
  return `${path}/${FEED_STYLESHEET_FILE}`;
}

export const FEED_STYLESHEET_CONTENT_TYPE = "text/xsl; charset=utf-8";

/**
 * The type a browser tab gets for an XML feed or list it opens (`Sec-Fetch-Dest: document`, W3C
 * Fetch Metadata): Chromium shows application/rss+xml, application/atom+xml and text/x-opml as
 * plain text and never runs their stylesheet, but renders application/xml through it. Readers
 * send no such header and keep the registered types; the bytes are the same. Undefined: keep it.
 */
export function browserTabContentType(contentType: string): string | undefined {
  return /^(application\/(rss|atom)\+xml|text\/x-opml)\s*;/.test(contentType)
    ? "application/xml; charset=utf-8"
    : undefined;
}

/** Whether a request is a browser tab opening the document (W3C Fetch Metadata `Sec-Fetch-Dest`). */
export function isBrowserTab(secFetchDest: string | string[] | undefined): boolean {
  return secFetchDest === "document";
}

export const FEED_STYLESHEET = `<?xml version="1.0" encoding="utf-8"?>
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform" xmlns:atom="http://www.w3.org/2005/Atom" exclude-result-prefixes="atom">
  <xsl:output method="html" encoding="utf-8" doctype-system="about:legacy-compat"/>

  <xsl:template match="/">
    <xsl:variable name="title" select="normalize-space(rss/channel/title | atom:feed/atom:title | opml/head/title)"/>
    <xsl:variable name="self" select="rss/channel/atom:link[@rel='self']/@href | atom:feed/atom:link[@rel='self']/@href"/>
    <html>
      <head>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title><xsl:value-of select="$title"/></title>
        <style>
          body{font-family:system-ui,sans-serif;max-width:46rem;margin:0 auto;padding:1rem;line-height:1.5;color:#222;overflow-wrap:anywhere}
          .about{background:#eef4fb;border:1px solid #c9dcf0;border-radius:.5rem;padding:.75rem 1rem}
          code{background:#fff;border:1px solid #ddd;border-radius:.25rem;padding:0 .25rem}
          ol{padding-left:1.25rem}li{margin:.75rem 0}time{color:#555;font-size:.9rem;display:block}
          a{color:#0645ad}
        </style>
      </head>
      <body>
        <h1><xsl:value-of select="$title"/></h1>
        <p class="about" id="about">
          <xsl:choose>
            <xsl:when test="opml">This is a <strong>subscription list</strong> (OPML). Import it in a feed reader to follow every feed below at once.</xsl:when>
            <xsl:otherwise>This is a <strong>news feed</strong>. Copy its address<xsl:if test="$self"> (<code><xsl:value-of select="$self"/></code>)</xsl:if> into a feed reader to get new stories as they are published, without visiting the site.</xsl:otherwise>
          </xsl:choose>
          <xsl:text> </xsl:text><a href="{rss/channel/link | atom:feed/atom:link[@rel='alternate']/@href | opml/head/ownerId}">Every feed of this site</a>
        </p>
        <xsl:apply-templates select="rss/channel | atom:feed | opml/body"/>
      </body>
    </html>
  </xsl:template>

  <xsl:template match="channel">
    <p><xsl:value-of select="description"/></p>
    <ol id="items"><xsl:apply-templates select="item"/></ol>
  </xsl:template>

  <xsl:template match="item">
    <li>
      <a href="{link}"><xsl:value-of select="title"/></a>
      <time><xsl:value-of select="pubDate"/></time>
    </li>
  </xsl:template>

  <xsl:template match="atom:feed">
    <p><xsl:value-of select="atom:subtitle"/></p>
    <ol id="items"><xsl:apply-templates select="atom:entry"/></ol>
  </xsl:template>

  <xsl:template match="atom:entry">
    <xsl:variable name="when" select="(atom:published | atom:updated)[1]"/>
    <li>
      <a href="{atom:link[not(@rel) or @rel='alternate'][1]/@href}"><xsl:value-of select="atom:title"/></a>
      <time datetime="{$when}"><xsl:value-of select="translate(substring($when, 1, 16), 'T', ' ')"/> UTC</time>
    </li>
  </xsl:template>

  <xsl:template match="body">
    <ol id="items">
      <xsl:for-each select="outline">
        <li><a href="{@xmlUrl}"><xsl:value-of select="@text"/></a><time><xsl:value-of select="@description"/></time></li>
      </xsl:for-each>
    </ol>
  </xsl:template>
</xsl:stylesheet>
`;
