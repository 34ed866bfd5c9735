/**
 * Applicability on the real corpora: SigmaHQ rules (with the shared
 * Sigma→ECS mapping) against the 222 real intakes.
 */
import { describe, expect, it } from 'vitest';
import { runPipeline } from '../generator/pipeline.js';
import { resolveConfig } from '../generator/config.js';
import { matchCatalog, type CatalogMatch } from '../generator/match/match-catalog.js';
import type { Catalog } from '../generator/model/catalog.js';
import type { Rule } from '../generator/model/rule.js';
import { haveShared, REPO, shared } from './shared.js';

const available =
  haveShared('data', 'sigmahq') && haveShared('data', 'intake-formats') && haveShared('data', 'sigma-ecs-mapping.yaml');

describe.skipIf(!available)('real corpora matching', () => {
  let catalog: Catalog;
  let match: CatalogMatch;
  const names = (rule: Rule) => new Set(match.intakesByRule.get(rule)!.map((i) => i.name));
  const family = (pred: (r: Rule) => boolean) => catalog.rules.filter(pred);
  /** Intakes any rule of the family applies to. */
  const landing = (rules: Rule[]) => new Set(rules.flatMap((r) => [...names(r)]));

  it('loads and matches the corpora', async () => {
    const { config } = resolveConfig(REPO, undefined, {
      rules: ['rules', 'rules-emerging-threats', 'rules-threat-hunting'].map((f) => shared('data', 'sigmahq', f)),
      intakes: [shared('data', 'intake-formats')],
      fieldMapping: shared('data', 'sigma-ecs-mapping.yaml'),
    });
    const loaded = await runPipeline(config, { noMatch: true });
    expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    catalog = loaded.catalog;
    match = matchCatalog(catalog, { mode: 'default', ...loaded.matchInputs });
  }, 120_000);

  it('puts Windows process-creation rules on the Windows intakes and not on AWS CloudTrail', () => {
    const rules = family((r) => r.logsource.product === 'windows' && r.logsource.category === 'process_creation');
    const on = landing(rules);
    for (const windows of ['Windows', 'Elastic Winlogbeat', 'Azure Windows'])
      expect(on.has(windows), windows).toBe(true);
    for (const other of ['AWS CloudTrail', 'Okta', 'Squid', 'BIND', 'Cisco Umbrella DNS', 'Github Audit logs'])
      expect(on.has(other), other).toBe(false);
    const applying = rules.filter((r) => names(r).has('Windows')).length;
    expect(applying / rules.length).toBeGreaterThan(0.9);
  });

  it('puts AWS CloudTrail rules on AWS CloudTrail (and OCSF, which relays CloudTrail records) and no identity-provider, proxy or Windows intake', () => {
    const rules = family((r) => r.logsource.product === 'aws' && r.logsource.service === 'cloudtrail');
    expect(rules.length).toBeGreaterThan(50);
    // OCSF's tests hold CloudTrail records normalised by Security Lake (AWS as the cloud, CloudTrail as the provider).
    expect([...landing(rules)].sort()).toEqual(['AWS CloudTrail', 'OCSF']);
    expect(rules.filter((r) => names(r).has('AWS CloudTrail')).length / rules.length).toBeGreaterThan(0.85);
  });

  it('puts Okta rules on Okta', () => {
    const rules = family((r) => r.logsource.product === 'okta');
    expect([...landing(rules)]).toEqual(['Okta']);
    expect(rules.filter((r) => names(r).has('Okta')).length / rules.length).toBeGreaterThan(0.7);
  });

  it('puts proxy rules on proxies and DNS rules on DNS intakes', () => {
    const proxy = landing(family((r) => r.logsource.category === 'proxy' && !r.logsource.product));
    for (const p of [
      'Squid',
      'Cisco Umbrella Proxy',
      'Zscaler Internet Access',
      'Skyhigh Secure Web Gateway / McAfee Web Gateway',
    ])
      expect(proxy.has(p), p).toBe(true);
    for (const not of ['AWS CloudTrail', 'Windows', 'Okta', 'BIND', 'Apache HTTP Server', 'F5 NGINX', 'Microsoft IIS'])
      expect(proxy.has(not), not).toBe(false);
    const dns = landing(family((r) => r.logsource.category === 'dns' && !r.logsource.product));
    for (const d of ['BIND', 'Infoblox DDI', 'Cisco Umbrella DNS', 'Unbound', 'EfficientIP SOLIDServer DDI'])
      expect(dns.has(d), d).toBe(true);
    for (const not of ['AWS CloudTrail', 'Okta', 'Squid', 'Apache HTTP Server']) expect(dns.has(not), not).toBe(false);
  });

  it('finds rules for SaaS intakes through their parsers (Kubernetes, Google Cloud, Entra ID)', () => {
    expect(
      family((r) => r.logsource.product === 'kubernetes').filter((r) => names(r).has('Kubernetes Audit Log')).length,
    ).toBeGreaterThan(10);
    expect(
      family((r) => r.logsource.product === 'gcp').filter((r) => names(r).has('Google Cloud Audit Logs')).length,
    ).toBeGreaterThan(10);
    expect(
      family((r) => r.logsource.product === 'azure').filter((r) => names(r).has('Microsoft Entra ID / Azure AD'))
        .length,
    ).toBeGreaterThan(30);
  });
});
