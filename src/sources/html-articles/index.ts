export { collectArticles, DEFAULT_MAX_ARTICLES_PER_PASS } from "./collect-articles.js";
export { ArticlesError } from "./articles-error.js";
export { describeRejections, detectArticleLinks, suggestLinkSelector } from "./detect-links.js";
export type { DetectedLinks, LinkCandidate, LinkRejection } from "./detect-links.js";
