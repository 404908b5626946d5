export * from "./item.js";
export * from "./source.js";
export * from "./category.js";
export * from "./feed-query.js";
export * from "./channel.js";
export * from "./clock.js";
