/**
 * What `rulecat serve` answers, from the workspace's last good state:
 *
 *   /                              index of intakes
 *   /intake/<uuid>                 the intake's page, rendered, with its coverage matrix
 *   /intake/<uuid>/page.md         the page's markdown, as `generate` writes it
 *   /intake/<uuid>/rule/<rule id>  why the rule applies (or not) to the intake
 *   /version                       the state version (JSON), for clients that poll
 *
 * Nothing else: no file is served from disk, and any other path (`..`,
 * encoded or not, unknown uuids and ids) is a 404. Views and pages are
 * computed on request and kept until their intake, its rules, the templates
 * or the configuration change.
 */
import { explainPair } from '../match/explain.js';
import type { Catalog } from '../model/catalog.js';
import type { Intake } from '../model/intake.js';
import type { Rule } from '../model/rule.js';
import type { IntakeView } from '../plan/intake-view.js';
import { pageNearMisses, pageView, ruleViewer } from '../plan/page-view.js';
import type { RuleView } from '../plan/rule-view.js';
import { matchOptions } from '../pipeline.js';
import { renderPage } from '../render/render-page.js';
import { explainHtml } from './explain-html.js';
import { html, type SafeHtml } from './html.js';
import { coverageCounts, intakeHtmlBody } from './intake-html.js';
import type { MarkdownToHtml } from './markdown-html.js';
import { indexBody, INDEX_SCRIPTS, layout, problemsBanner, type IndexRow } from './pages.js';
import type { Good, LoadedTemplates, Workspace } from './workspace.js';

export interface SiteResponse {
  status: number;
  type: string;
  body: string;
}

interface IntakeCache {
  intake: Intake;
  rules: Rule[];
  config: Good['config'];
  view: IntakeView;
  ruleViews: RuleView[];
  page?: { templates: LoadedTemplates; markdown?: string; html?: string; problems: string[] };
}

const sameList = <T>(a: readonly T[], b: readonly T[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Path segments of a request, decoded; undefined for anything that is not a plain path. */
export function pathSegments(url: string): string[] | undefined {
  const pathPart = url.split(/[?#]/)[0];
  if (!pathPart.startsWith('/') || /[\\\u0000]/.test(pathPart)) return undefined;
  if (pathPart === '/') return [];
  const segments: string[] = [];
  for (const raw of pathPart.slice(1).split('/')) {
    let s: string;
    try {
      s = decodeURIComponent(raw);
    } catch {
      return undefined;
    }
    if (s === '' || s === '.' || s === '..' || /[/\\\u0000]/.test(s)) return undefined;
    segments.push(s);
  }
  return segments;
}

export class Site {
  private intakes = new Map<string, IntakeCache>();
  private viewers = new WeakMap<Good['config'], (rule: Rule) => RuleView>();
  private ruleIds = new WeakMap<Catalog, Map<string, Rule>>();

  constructor(
    private readonly workspace: Workspace,
    private readonly toHtml: MarkdownToHtml,
  ) {}

  get version(): string {
    return String(this.workspace.version);
  }

  async handle(url: string, nonce: string): Promise<SiteResponse> {
    const segments = pathSegments(url);
    const good = this.workspace.good;
    if (!segments) return this.notFound(nonce);
    if (segments.length === 0) return this.page(nonce, 'Intakes', this.index(good), [], INDEX_SCRIPTS);
    if (segments.length === 1 && segments[0] === 'version')
      return {
        status: 200,
        type: 'application/json; charset=utf-8',
        body: JSON.stringify({ version: this.version, broken: this.workspace.broken }),
      };
    if (segments[0] !== 'intake' || !good || segments.length < 2) return this.notFound(nonce);
    const intake = good.catalog.intakes.find((i) => i.uuid === segments[1]);
    if (!intake) return this.notFound(nonce);
    const entry = this.entry(good, intake);
    const crumbs = [{ href: `/intake/${intake.uuid}`, text: intake.name }];
    if (segments.length === 2) {
      const page = await this.renderedPage(good, entry);
      const body =
        page.html !== undefined
          ? intakeHtmlBody({
              view: entry.view,
              ruleViews: entry.ruleViews,
              attack: good.attack,
              pageHtml: page.html,
              markdownHref: `/intake/${intake.uuid}/page.md`,
            })
          : html`<h1>${intake.name}</h1><section class="problems"><pre>${page.problems.map((p) => p + '\n')}</pre></section>`;
      return this.page(nonce, intake.name, body, crumbs);
    }
    if (segments.length === 3 && segments[2] === 'page.md') {
      const page = await this.renderedPage(good, entry);
      return page.markdown === undefined
        ? this.notFound(nonce)
        : { status: 200, type: 'text/markdown; charset=utf-8', body: page.markdown };
    }
    if (segments.length === 4 && segments[2] === 'rule') {
      const rule = this.ruleById(good.catalog).get(segments[3]);
      if (!rule) return this.notFound(nonce);
      const explanation = explainPair(rule, intake, good.catalog, { mode: good.config.match, ...good.matchInputs });
      return this.page(
        nonce,
        `${rule.title} · ${intake.name}`,
        explainHtml(explanation, { description: rule.description, pageHref: `/intake/${intake.uuid}` }),
        crumbs,
      );
    }
    return this.notFound(nonce);
  }

  private page(
    nonce: string,
    title: string,
    body: SafeHtml,
    crumbs: { href: string; text: string }[] = [],
    scripts: string[] = [],
    status = 200,
  ): SiteResponse {
    const banner = problemsBanner(this.workspace.problems, this.workspace.broken, this.workspace.good !== undefined);
    return {
      status,
      type: 'text/html; charset=utf-8',
      body: layout({
        title: `${title} · rulecat preview`,
        body: html`${banner}${body}`,
        nonce,
        version: this.version,
        crumbs,
        scripts,
      }),
    };
  }

  private notFound(nonce: string): SiteResponse {
    return this.page(
      nonce,
      'Not found',
      html`<h1>Not found</h1><p>Nothing is served at this address. <a href="/">All intakes</a></p>`,
      [],
      [],
      404,
    );
  }

  private viewer(good: Good): (rule: Rule) => RuleView {
    let viewer = this.viewers.get(good.config);
    if (!viewer) this.viewers.set(good.config, (viewer = ruleViewer(good.config)));
    return viewer;
  }

  private ruleById(catalog: Catalog): Map<string, Rule> {
    let byId = this.ruleIds.get(catalog);
    if (!byId) {
      byId = new Map();
      for (const rule of catalog.rules) if (rule.kind !== 'filter' && !byId.has(rule.id)) byId.set(rule.id, rule);
      this.ruleIds.set(catalog, byId);
    }
    return byId;
  }

  /** The intake's view, computed again only when the intake, its rules or the configuration changed. */
  private entry(good: Good, intake: Intake): IntakeCache {
    const rules = good.match.rulesByIntake.get(intake.uuid) ?? [];
    const cached = this.intakes.get(intake.uuid);
    if (cached && cached.intake === intake && cached.config === good.config && sameList(cached.rules, rules))
      return cached;
    const viewOf = this.viewer(good);
    const near = pageNearMisses(
      !!good.config.nearMiss && !good.config.rulesIndex,
      intake,
      good.catalog,
      good.match,
      matchOptions(good.config, good.matchInputs),
    );
    const entry: IntakeCache = {
      intake,
      rules,
      config: good.config,
      view: pageView(intake, rules, good.config, good.attack, viewOf, near),
      ruleViews: rules.map(viewOf),
    };
    this.intakes.set(intake.uuid, entry);
    return entry;
  }

  private async renderedPage(good: Good, entry: IntakeCache): Promise<NonNullable<IntakeCache['page']>> {
    if (entry.page && entry.page.templates === good.templates) return entry.page;
    const rendered = await renderPage(entry.view, entry.rules, good.templates, good.config.attribution?.notice);
    const problems = rendered.diagnostics.map((d) => `${d.file}: ${d.message}`);
    const explain = (rule: RuleView) => `/intake/${entry.intake.uuid}/rule/${encodeURIComponent(rule.id)}`;
    const page =
      rendered.markdown === undefined
        ? {
            templates: good.templates,
            problems: problems.length > 0 ? problems : ['The page template writes no page for this intake.'],
          }
        : {
            templates: good.templates,
            markdown: rendered.markdown,
            html: this.toHtml(rendered.markdown, {
              footer: (i) =>
                entry.view.rules[i] ? { href: explain(entry.view.rules[i]), text: 'Why it applies' } : undefined,
              key: (i) => entry.view.rules[i]?.id,
            }),
            problems,
          };
    entry.page = page;
    return page;
  }

  private index(good: Good | undefined): SafeHtml {
    if (!good) return html`<h1>Intakes</h1><p>Nothing to show yet.</p>`;
    const rows: IndexRow[] = good.catalog.intakes.map((intake) => {
      const { view, ruleViews } = this.entry(good, intake);
      return {
        uuid: intake.uuid,
        name: intake.name,
        module: view.intake.module,
        rules: view.rules.length,
        techniques: coverageCounts(view, ruleViews, good.attack).techniqueCount,
      };
    });
    rows.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.uuid < b.uuid ? -1 : 1));
    return indexBody(rows, good.catalog.rules.filter((r) => r.kind !== 'filter').length);
  }
}
