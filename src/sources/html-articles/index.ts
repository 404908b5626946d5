export { collectArticles, DEFAULT_MAX_ARTICLES_PER_PASS } from "./collect-articles.js";
export { ArticlesError } from "./articles-error.js";
