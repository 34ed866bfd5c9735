/**
 * Log-source evidence end to end: intakes read from disk whose names say
 * nothing are recognised from their data sources, fields and test events,
 * `explain` prints the evidence; an override table using an undefined kind
 * is reported; and, on the real intake-formats corpus, the families are
 * recognised as they should be (SentinelOne Cloud Funnel 2.0 on Linux and
 * macOS, VMware ESXi on Linux), with no clear false positive.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../generator/config.js';
import { logsourceFit } from '../generator/match/logsource.js';
import type { Intake } from '../generator/model/intake.js';
import type { EvidenceItem, LogsourceTable } from '../generator/model/logsource-table.js';
import type { LogSource } from '../generator/model/rule.js';
import { runPipeline } from '../generator/pipeline.js';
import { haveShared, REPO, shared } from './shared.js';
import { runCli, writeTree } from './tree.js';

const U1 = 'bbbbbbbb-0000-4000-8000-000000000001';
const U2 = 'bbbbbbbb-0000-4000-8000-000000000002';

const manifest = (uuid: string, name: string, dataSources: string[] = []) =>
  `uuid: ${uuid}\nname: ${name}\nslug: ${name.toLowerCase().replace(/\W+/g, '-')}\ndescription: Collected events\n` +
  (dataSources.length ? `data_sources:\n${dataSources.map((d) => `  ${d}: x\n`).join('')}` : '');

const testEvent = (expected: unknown) => JSON.stringify({ input: { message: '{}' }, expected });

const RULE = (id: string, logsource: string, detection: string) =>
  `title: Rule ${id}\nid: ${id}\nlevel: high\nlogsource:\n  ${logsource}\ndetection:\n${detection}`;

function tree(extra: Record<string, string> = {}) {
  return writeTree({
    'rules/linux.yml': RULE(
      'r-linux',
      'product: linux\n  category: process_creation',
      '  sel:\n    process.executable|endswith: /curl\n  condition: sel\n',
    ),
    'rules/proxy.yml': RULE(
      'r-proxy',
      'category: proxy',
      '  sel:\n    user_agent.original|contains: curl\n  condition: sel\n',
    ),
    // A sensor whose name says nothing: Linux paths in its test events.
    'intakes/M/sensor/_meta/manifest.yml': manifest(U1, 'Sensor K'),
    'intakes/M/sensor/tests/a.json': testEvent({
      process: { executable: '/usr/bin/curl', command_line: 'curl -s http://x', parent: { executable: '/bin/bash' } },
    }),
    'intakes/M/sensor/tests/b.json': testEvent({ process: { executable: '/usr/sbin/sshd', command_line: 'sshd -D' } }),
    // A gateway whose name says nothing: its data source says "Web proxy".
    'intakes/M/gateway/_meta/manifest.yml': manifest(U2, 'Gateway One', ['Web proxy']),
    'intakes/M/gateway/tests/a.json': testEvent({
      url: { original: 'http://example.org/' },
      user_agent: { original: 'curl/8.0' },
    }),
    ...extra,
  });
}

describe('log-source evidence from intakes on disk', () => {
  it('recognises a Linux sensor and a web proxy whose names say nothing, and explain prints why', async () => {
    const root = tree();
    const gen = await runCli(['generate', '--rules', 'rules', '--intakes', 'intakes', '--out', 'out', '--json'], root);
    expect(gen.code).toBe(0);
    const linux = await runCli(
      ['explain', '--rules', 'rules', '--intakes', 'intakes', '--rule', 'r-linux', '--intake', 'Sensor K'],
      root,
    );
    expect(linux.code).toBe(0);
    expect(linux.stdout).toContain('APPLIES');
    expect(linux.stdout).toContain(
      '  product linux: host-activity (field process.executable) and linux-paths (unix-paths (3 values: process.executable = "/usr/bin/curl", process.executable = "/usr/sbin/sshd", process.parent.executable = "/bin/bash"))\n',
    );
    const crossed = await runCli(
      ['explain', '--rules', 'rules', '--intakes', 'intakes', '--rule', 'r-proxy', '--intake', 'Sensor K'],
      root,
    );
    expect(crossed.stdout).toContain('  category proxy: no evidence in the intake\n');
    const proxy = await runCli(
      ['explain', '--rules', 'rules', '--intakes', 'intakes', '--rule', 'r-proxy', '--intake', 'Gateway One', '--json'],
      root,
    );
    expect(JSON.parse(proxy.stdout).explanation).toMatchObject({
      applies: true,
      logsource: {
        fits: true,
        evidence: ['category proxy: web-requests (field url.original) and forward-proxy (data source "Web proxy")'],
      },
    });
  });

  it('warns about a kind an override table uses but nobody defines (and it holds for no intake)', async () => {
    const root = tree({ 'ls.yml': 'products:\n  linux:\n    - kind: [unix-host]\n' });
    const args = ['--rules', 'rules', '--intakes', 'intakes', '--logsources', 'ls.yml'];
    const gen = await runCli(['generate', ...args, '--out', 'out'], root);
    expect(gen.stderr).toContain(
      'ls.yml: warning: products.linux uses kind "unix-host", which is not defined: it holds for no intake [logsource-kind]',
    );
    const r = await runCli(['explain', ...args, '--rule', 'r-linux', '--intake', 'Sensor K'], root);
    expect(r.stdout).toContain('  product linux: no evidence in the intake\n');
  });
});

const available = haveShared('data', 'intake-formats');

describe.skipIf(!available)('log-source evidence on the real intakes', () => {
  let intakes: Intake[];
  let table: LogsourceTable;

  beforeAll(async () => {
    const { config } = resolveConfig(REPO, undefined, {
      rules: [shared('data', 'sigmahq', 'rules', 'windows', 'builtin', 'security', 'account_management')],
      intakes: [shared('data', 'intake-formats')],
    });
    const loaded = await runPipeline(config, { noMatch: true });
    intakes = [...loaded.catalog.intakes];
    table = loaded.matchInputs.table;
  }, 120_000);

  const fitting = (ls: LogSource) => new Set(intakes.filter((i) => logsourceFit(ls, i, table).fits).map((i) => i.name));
  const byName = (name: string) => intakes.find((i) => i.name === name)!;
  const expectFamily = (ls: LogSource, yes: string[], no: string[]) => {
    const set = fitting(ls);
    for (const name of yes) expect(set.has(name), `${JSON.stringify(ls)} should fit ${name}`).toBe(true);
    for (const name of no) expect(set.has(name), `${JSON.stringify(ls)} should not fit ${name}`).toBe(false);
  };

  it('SentinelOne Cloud Funnel 2.0 on Linux and macOS from the OS its events name (and on Windows)', () => {
    const funnel = byName('SentinelOne Cloud Funnel 2.0');
    expect(logsourceFit({ product: 'windows' }, funnel, table).fits).toBe(true);
    for (const product of ['linux', 'macos']) {
      const fit = logsourceFit({ product }, funnel, table);
      expect(fit.fits, product).toBe(true);
      expect(fit.evidence[0], product).toMatch(/^product \w+: host-activity \(field process\.\w+\) and \w+-named \(/);
    }
  });

  it('VMware ESXi on Linux, from the Linux paths of its events', () => {
    const fit = logsourceFit({ product: 'linux' }, byName('VMware ESXi'), table);
    expect(fit.fits).toBe(true);
    expect(fit.evidence[0]).toMatch(/linux-paths \(unix-paths \(\d+ values: file\.path = "\/etc\/vmware\//);
  });

  it('endpoints: the operating systems their events show, no appliance, no alert feed, no web client', () => {
    const both = [
      'Microsoft Defender XDR / Microsoft 365 Defender',
      'Sekoia.io Endpoint Agent',
      'Crowdstrike Falcon Telemetry',
    ];
    expectFamily(
      { product: 'windows' },
      ['Windows', 'Elastic Winlogbeat', 'Azure Windows', 'HarfangLab EDR', 'Tanium', 'Windows Log Insight', ...both],
      ['Elastic AuditBeat Linux', 'VMware ESXi', 'Squid', 'SentinelOne Singularity Identity', 'AWS CloudTrail'],
    );
    expectFamily(
      { product: 'linux' },
      ['Elastic AuditBeat Linux', 'HarfangLab EDR', 'Tanium', 'Palo Alto Cortex XDR (EDR)', ...both],
      [
        'Windows',
        'Elastic Winlogbeat',
        'Google Kubernetes Engine',
        'VMware vCenter',
        'F5 BIG-IP',
        'Cisco IOS router and switch',
        'Netskope',
      ],
    );
    expectFamily({ product: 'macos' }, both, [
      'HarfangLab EDR',
      'Tanium',
      'Palo Alto Cortex XDR (EDR)',
      'Netskope',
      'Elastic AuditBeat Linux',
      'Windows',
    ]);
  });

  it('proxies, web servers, DNS services and firewalls, without the look-alikes', () => {
    const proxies = [
      'Squid',
      'Zscaler Internet Access',
      'Netskope Transaction Events',
      'Skyhigh Secure Web Gateway / McAfee Web Gateway',
      'Cisco Secure Web Appliance',
      'Cloudflare Gateway HTTP',
      'Forcepoint Secure Web Gateway',
      'Fortinet FortiProxy',
      'Broadcom Edge Secure Web Gateway',
      'Cisco Umbrella Proxy',
    ];
    const servers = [
      'Apache HTTP Server',
      'F5 NGINX',
      'Microsoft IIS',
      'HAProxy',
      'AWS CloudFront',
      'AWS WAF',
      'Azure Application Gateway',
      'Azure Front Door',
      'Google Cloud Load Balancing',
      'Cloudflare HTTP requests',
      'Imperva WAF',
      'Citrix NetScaler / ADC',
    ];
    const identity = ['Okta', 'Microsoft Entra ID / Azure AD', 'Salesforce'];
    expectFamily({ category: 'proxy' }, proxies, [
      ...servers,
      ...identity,
      'SentinelOne Cloud Funnel 2.0',
      'Trend Micro Apex One / Vision One endpoint',
      'Palo Alto NGFW',
    ]);
    expectFamily({ category: 'webserver' }, servers, [...proxies, ...identity, 'Kubernetes Audit Log', 'ESET Protect']);
    expectFamily(
      { category: 'dns' },
      [
        'BIND',
        'Unbound',
        'Infoblox DDI',
        'EfficientIP SOLIDServer DDI',
        'Cisco Umbrella DNS',
        'Cloudflare Gateway DNS',
        'Suricata',
      ],
      ['Squid', 'Windows', 'Tanium', 'Broadcom Cloud Secure Web Gateway', 'Okta'],
    );
    expectFamily(
      { category: 'firewall' },
      [
        'Palo Alto NGFW',
        'Fortinet FortiGate',
        'Check Point NGFW',
        'Netfilter',
        'OpenBSD Packet Filter / OPNSense / PfSense',
        'Stormshield SNS',
      ],
      ['Imperva WAF', 'OGO WAF', 'Palo Alto Cortex XDR (EDR)', 'Squid', 'Okta'],
    );
  });

  it('no shipped evidence for these families names a vendor of the corpus', () => {
    // Every regular expression deciding an operating system or a category (names, descriptions, values).
    const sources: string[] = [];
    const collect = (items: readonly EvidenceItem[]) => {
      for (const item of items) {
        if (item.intake) sources.push(item.intake);
        if (item.description) sources.push(item.description);
        for (const v of item.value ?? []) sources.push(v.match);
        collect(item.unless ?? []);
      }
    };
    for (const p of ['windows', 'linux', 'macos']) collect(table.products[p]);
    for (const items of [...Object.values(table.categories), ...Object.values(table.kinds ?? {})]) collect(items);
    const text = sources.join(' ').toLowerCase();
    expect(text).toContain('proxy'); // the check reads the regular expressions
    // Module folders are vendors (or software) of the corpus; the operating systems themselves are Sigma's products.
    const vendors = new Set(
      intakes.map((i) => i.module.folder.toLowerCase()).filter((m) => !['windows', 'linux'].includes(m)),
    );
    expect([...vendors].filter((m) => m.length > 3 && text.includes(m))).toEqual([]);
  });
});
