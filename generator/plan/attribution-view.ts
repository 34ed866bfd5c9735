/**
 * Attribution of a rule, for rule sets whose license asks for it (SigmaHQ's
 * Detection Rule License 1.1: keep the author, link to the rule, name the
 * license): the author, the rule's path and source URL, the notice.
 */
import path from 'node:path';
import type { AttributionOptions } from './plan-options.js';

export interface AttributionView {
  /** Empty when the rule names no author. */
  author: string;
  /** Path of the rule file relative to the source root, with `/`. */
  source: string;
  /** Empty when no source URL is configured. */
  sourceUrl: string;
  /** Empty when no notice is configured. */
  notice: string;
}

/** `[`, `]` and `\` would end or break a markdown link label. */
function linkLabel(text: string): string {
  return text.replace(/[\\[\]]/g, '\\$&');
}

export function attributionView(
  rule: { author?: string; file: string },
  attribution: AttributionOptions,
  cwd: string,
): AttributionView {
  const relative = path.relative(attribution.sourceRoot, path.resolve(cwd, rule.file)).split(path.sep).join('/');
  return {
    author: (rule.author ?? '').replace(/\s+/g, ' ').trim(),
    source: linkLabel(relative),
    sourceUrl: attribution.sourceUrl
      ? attribution.sourceUrl + relative.split('/').map(encodeURIComponent).join('/')
      : '',
    notice: attribution.notice.trim(),
  };
}
