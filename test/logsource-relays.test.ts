/**
 * Records of one product relayed by another product's audit log are
 * recognised from the values the relay's events carry, not from its name:
 * Kubernetes API-server audit in a cloud audit log (`k8s.io` service, or a
 * managed-cluster data source), Workspace login audit in a cloud audit log
 * (`login.googleapis.com`), Entra ID directory records in a unified audit
 * log (the `AzureActiveDirectory` workload), CloudTrail records in an
 * aggregator (AWS as the cloud, CloudTrail as the provider); and a product's
 * console audit log is no web server; a firewall or a network sensor logging
 * the URLs users request is a proxy-like source, a WAF is not; a host's DNS
 * queries need an intake naming the domains looked up, registry value writes
 * one naming the data written, file events and process creations an intake
 * recording such changes.
 * Fixture intakes have neutral
 * names; the real-corpus checks skip when ../shared is absent.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../generator/config.js';
import { logsourceFit } from '../generator/match/logsource.js';
import type { Intake } from '../generator/model/intake.js';
import type { LogsourceTable } from '../generator/model/logsource-table.js';
import type { LogSource } from '../generator/model/rule.js';
import { runPipeline } from '../generator/pipeline.js';
import { haveShared, REPO, shared } from './shared.js';
import { writeTree } from './tree.js';

const manifest = (uuid: string, name: string) =>
  `uuid: ${uuid}\nname: ${name}\nslug: ${name.toLowerCase().replace(/\W+/g, '-')}\ndescription: Collected events\n`;
const testEvent = (expected: unknown) => JSON.stringify({ input: { message: '{}' }, expected });

async function load(folders: string[]): Promise<{ intakes: Intake[]; table: LogsourceTable }> {
  const { config } = resolveConfig(REPO, undefined, { rules: [], intakes: folders });
  const loaded = await runPipeline(config, { noMatch: true });
  return { intakes: [...loaded.catalog.intakes], table: loaded.matchInputs.table };
}

describe('relayed records, from the values of the relay', () => {
  let intakes: Intake[];
  let table: LogsourceTable;
  beforeAll(async () => {
    const root = writeTree({
      // A cloud audit log whose tests show the Kubernetes API server and the login service.
      'intakes/A/relay/_meta/manifest.yml': manifest('cccccccc-0000-4000-8000-000000000001', 'Relay One'),
      'intakes/A/relay/tests/a.json': testEvent({ service: { name: 'k8s.io' }, user: { name: 'system:x' } }),
      'intakes/A/relay/tests/b.json': testEvent({ service: { name: 'login.googleapis.com' } }),
      // A suite whose cloud audit events name a managed cluster service as their data source.
      'intakes/A/suite/_meta/manifest.yml': manifest('cccccccc-0000-4000-8000-000000000002', 'Suite Two'),
      'intakes/A/suite/tests/a.json': testEvent({
        action: { properties: { DataSource: 'Hosted Kubernetes Service', RawEventData: '{}' } },
      }),
      // A unified audit log with the directory's workload among its services.
      'intakes/A/unified/_meta/manifest.yml': manifest('cccccccc-0000-4000-8000-000000000003', 'Unified Three'),
      'intakes/A/unified/tests/a.json': testEvent({
        service: { name: 'AzureActiveDirectory' },
        event: { action: 'UserLoginFailed' },
      }),
      // An aggregator whose tests hold CloudTrail records (and records of other clouds).
      'intakes/A/aggregator/_meta/manifest.yml': manifest('cccccccc-0000-4000-8000-000000000005', 'Aggregator Five'),
      'intakes/A/aggregator/tests/a.json': testEvent({
        cloud: { provider: 'AWS' },
        event: { provider: 'CloudTrail', action: 'Create' },
      }),
      'intakes/A/aggregator/tests/b.json': testEvent({ cloud: { provider: 'Other' }, event: { provider: 'Other' } }),
      // A finding feed about AWS resources: the cloud, not its audit trail.
      'intakes/A/findings/_meta/manifest.yml': manifest('cccccccc-0000-4000-8000-000000000006', 'Findings Six'),
      'intakes/A/findings/tests/a.json': testEvent({ cloud: { provider: 'aws' }, event: { provider: 'scanner' } }),
      // A web application firewall's console audit log: its admins' requests, not the traffic it filters.
      'intakes/A/console/_meta/manifest.yml':
        'uuid: cccccccc-0000-4000-8000-000000000007\nname: Shield Console Audit Logs\nslug: shield-console\n' +
        'description: Web application firewall settings changes\n',
      'intakes/A/console/tests/a.json': testEvent({
        url: { original: '/api/v0/corps/x' },
        user_agent: { original: 'Mozilla/5.0' },
      }),
      'intakes/A/waf/_meta/manifest.yml':
        'uuid: cccccccc-0000-4000-8000-000000000008\nname: Shield Requests\nslug: shield-requests\n' +
        'description: Web application firewall request logs\n',
      'intakes/A/waf/tests/a.json': testEvent({
        url: { original: '/index.html' },
        user_agent: { original: 'Mozilla/5.0' },
      }),
      // A firewall logging the URLs its users request, and a WAF whose parser calls it a firewall.
      'intakes/A/ngfw/_meta/manifest.yml':
        'uuid: cccccccc-0000-4000-8000-000000000009\nname: Gate Nine\nslug: gate-nine\n' +
        'description: Next generation firewall\n',
      'intakes/A/ngfw/tests/a.json': testEvent({
        url: { domain: 'example.org', original: 'https://example.org/a' },
        http: { request: { method: 'GET' } },
        destination: { ip: '192.0.2.1', port: 443 },
        source: { ip: '10.0.0.1' },
      }),
      'intakes/A/shieldfw/_meta/manifest.yml':
        'uuid: cccccccc-0000-4000-8000-00000000000a\nname: Shield Ten\nslug: shield-ten\n' +
        'description: Web application firewall protecting the sites\n',
      'intakes/A/shieldfw/tests/a.json': testEvent({
        observer: { type: 'firewall' },
        url: { domain: 'shop.example.org', original: '/cart' },
        http: { request: { method: 'POST' } },
        destination: { ip: '192.0.2.2', port: 443 },
        source: { ip: '198.51.100.1' },
      }),
      // A secure access gateway listing WAF logs among its data sources, whose events are its users'
      // requests to remote sites (user, method, remote address): a forward proxy, no server of its own sites.
      'intakes/A/gateway/_meta/manifest.yml':
        'uuid: cccccccc-0000-4000-8000-00000000000d\nname: Access Thirteen\nslug: access-thirteen\n' +
        'description: Cloud-delivered security platform\n' +
        'data_sources:\n  Web logs: HTTP requests\n  Web application firewall logs: network traffic\n',
      'intakes/A/gateway/tests/a.json': testEvent({
        user: { name: 'alice' },
        url: { domain: 'example.org', original: '/a/b.js', path: '/a/b.js' },
        http: { request: { method: 'GET' } },
        destination: { ip: '192.0.2.3' },
      }),
      'intakes/A/gateway/tests/b.json': testEvent({
        user: { name: 'bob' },
        url: { domain: 'example.net', original: '/index.html', path: '/index.html' },
        http: { request: { method: 'GET' } },
        destination: { ip: '192.0.2.4' },
      }),
      // Two Windows endpoint products: one logs the domains its hosts look up, the other only quotes images.
      'intakes/A/lookups/_meta/manifest.yml': manifest('cccccccc-0000-4000-8000-00000000000b', 'Sensor Eleven'),
      'intakes/A/lookups/tests/a.json': testEvent({
        process: { executable: 'C:\\Windows\\System32\\regsvr32.exe' },
        dns: { question: { name: 'example.org' } },
      }),
      'intakes/A/lookups/tests/b.json': testEvent({ process: { executable: 'C:\\Windows\\explorer.exe' } }),
      'intakes/A/detections/_meta/manifest.yml': manifest('cccccccc-0000-4000-8000-00000000000c', 'Guard Twelve'),
      'intakes/A/detections/tests/a.json': testEvent({
        process: { executable: 'C:\\Windows\\System32\\regsvr32.exe' },
      }),
      'intakes/A/detections/tests/b.json': testEvent({ process: { executable: 'C:\\Users\\x\\dl.exe' } }),
      // Registry events: value writes named with their data, and key paths alone (an inventory).
      'intakes/A/regwrites/_meta/manifest.yml': manifest('cccccccc-0000-4000-8000-00000000000d', 'Sensor Thirteen'),
      'intakes/A/regwrites/tests/a.json': testEvent({
        process: { executable: 'C:\\Windows\\reg.exe' },
        registry: { path: 'HKLM\\SOFTWARE\\Run\\x', data: { strings: ['C:\\x.exe'] } },
      }),
      'intakes/A/regwrites/tests/b.json': testEvent({ process: { executable: 'C:\\Windows\\explorer.exe' } }),
      'intakes/A/regkeys/_meta/manifest.yml': manifest('cccccccc-0000-4000-8000-00000000000e', 'Inventory Fourteen'),
      'intakes/A/regkeys/tests/a.json': testEvent({
        process: { executable: 'C:\\Windows\\reg.exe' },
        registry: { path: 'HKLM\\SOFTWARE\\Run' },
      }),
      'intakes/A/regkeys/tests/b.json': testEvent({ process: { executable: 'C:\\Windows\\explorer.exe' } }),
      // File events: a sensor recording file creations, and an anti-virus naming the files it detects.
      'intakes/A/filewrites/_meta/manifest.yml': manifest('cccccccc-0000-4000-8000-00000000000f', 'Sensor Fifteen'),
      'intakes/A/filewrites/tests/a.json': testEvent({
        event: { type: ['creation'] },
        process: { executable: 'C:\\Windows\\cmd.exe' },
        file: { path: 'C:\\Users\\x\\a.dll' },
      }),
      'intakes/A/filewrites/tests/b.json': testEvent({
        event: { type: ['start'] },
        process: { executable: 'C:\\Windows\\explorer.exe', command_line: 'explorer.exe' },
      }),
      'intakes/A/filedetect/_meta/manifest.yml': manifest('cccccccc-0000-4000-8000-000000000010', 'Guard Sixteen'),
      'intakes/A/filedetect/tests/a.json': testEvent({
        event: { type: ['info'], action: 'Detected' },
        process: { executable: 'C:\\Windows\\cmd.exe' },
        file: { path: 'C:\\Users\\x\\a.dll' },
      }),
      'intakes/A/filedetect/tests/b.json': testEvent({ process: { executable: 'C:\\Windows\\explorer.exe' } }),
      // Alerts quoting a registry value: typed events, none a change.
      'intakes/A/regalerts/_meta/manifest.yml': manifest('cccccccc-0000-4000-8000-000000000011', 'Alerts Seventeen'),
      'intakes/A/regalerts/tests/a.json': testEvent({
        event: { type: ['info'] },
        process: { executable: 'C:\\Windows\\reg.exe' },
        registry: { path: 'HKLM\\SOFTWARE\\Run\\x', data: { strings: ['C:\\x.exe'] } },
      }),
      'intakes/A/regalerts/tests/b.json': testEvent({ process: { executable: 'C:\\Windows\\explorer.exe' } }),
      // Look-alikes: a service name that is no API server, a data source that names no cluster.
      'intakes/A/other/_meta/manifest.yml': manifest('cccccccc-0000-4000-8000-000000000004', 'Other Four'),
      'intakes/A/other/tests/a.json': testEvent({
        service: { name: 'storage.googleapis.com' },
        action: { properties: { DataSource: 'Object storage' } },
      }),
    });
    ({ intakes, table } = await load([`${root}/intakes`]));
  }, 60_000);

  const fits = (ls: LogSource, name: string) =>
    logsourceFit(
      ls,
      intakes.find((i) => i.name === name)!,
      table,
    );

  it('Kubernetes audit: the API server among the service names, or a managed-cluster data source', () => {
    const k8s = { product: 'kubernetes', service: 'audit' };
    const relay = fits(k8s, 'Relay One');
    expect(relay.fits).toBe(true);
    expect(relay.evidence[0]).toBe('product kubernetes: service.name = "k8s.io"');
    expect(fits(k8s, 'Suite Two').evidence[0]).toBe(
      'product kubernetes: action.properties.DataSource = "Hosted Kubernetes Service"',
    );
    expect(fits(k8s, 'Suite Two').fits).toBe(true);
    expect(fits(k8s, 'Other Four').fits).toBe(false);
    expect(fits(k8s, 'Unified Three').fits).toBe(false);
  });

  it('CloudTrail: records naming AWS as their cloud and CloudTrail as their provider', () => {
    const trail = fits({ product: 'aws', service: 'cloudtrail' }, 'Aggregator Five');
    expect(trail).toEqual({
      fits: true,
      evidence: [
        'product aws: cloud.provider = "AWS" and event.provider = "CloudTrail"',
        'service cloudtrail: event.provider = "CloudTrail"',
      ],
    });
    expect(fits({ product: 'aws' }, 'Findings Six').fits).toBe(false);
  });

  it('web servers: not the console audit log of a web application firewall', () => {
    expect(fits({ category: 'webserver' }, 'Shield Requests').fits).toBe(true);
    const audit = fits({ category: 'webserver' }, 'Shield Console Audit Logs');
    expect(audit).toEqual({ fits: false, evidence: ['category webserver: no evidence in the intake'] });
  });

  it('proxies: a firewall filtering the URLs of its users, not a WAF in front of its own sites', () => {
    const gate = fits({ category: 'proxy' }, 'Gate Nine');
    expect(gate.fits).toBe(true);
    expect(gate.evidence[0]).toMatch(
      /^category proxy: url-filtering \(field http\.request\.method and firewall-device/,
    );
    expect(fits({ category: 'proxy' }, 'Shield Ten').fits).toBe(false);
  });

  it("proxies, not web servers: a gateway listing WAF logs whose events are its users' requests to remote sites", () => {
    const proxy = fits({ category: 'proxy' }, 'Access Thirteen');
    expect(proxy.fits).toBe(true);
    expect(proxy.evidence[0]).toMatch(/^category proxy: web-requests .* and forward-proxy \(field user\.name/);
    expect(fits({ category: 'webserver' }, 'Access Thirteen')).toEqual({
      fits: false,
      evidence: ['category webserver: no evidence in the intake'],
    });
    // A WAF request log without users' requests to remote sites stays a web server.
    expect(fits({ category: 'webserver' }, 'Shield Requests').fits).toBe(true);
  });

  it('DNS queries of hosts: an endpoint product naming the domains looked up, not one quoting images only', () => {
    const ls = { product: 'windows', category: 'dns_query' };
    expect(fits(ls, 'Sensor Eleven')).toEqual({
      fits: true,
      evidence: [expect.stringMatching(/^product windows: /), 'category dns_query: field dns.question.name'],
    });
    expect(fits({ product: 'windows' }, 'Guard Twelve').fits).toBe(true);
    expect(fits(ls, 'Guard Twelve').evidence[1]).toBe('category dns_query: no evidence in the intake');
  });

  it('registry values set: an intake naming the data written, not one with key paths only', () => {
    const ls = { product: 'windows', category: 'registry_set' };
    expect(fits(ls, 'Sensor Thirteen').evidence[1]).toBe('category registry_set: field registry.data.strings');
    expect(fits(ls, 'Sensor Thirteen').fits).toBe(true);
    expect(fits({ product: 'windows' }, 'Inventory Fourteen').fits).toBe(true);
    expect(fits(ls, 'Inventory Fourteen').fits).toBe(false);
    // Alerts quoting a value: their events are typed, none as a change.
    expect(fits(ls, 'Alerts Seventeen').fits).toBe(false);
  });

  it('file events: a sensor recording file creations, not an anti-virus naming the files it detects', () => {
    const ls = { product: 'windows', category: 'file_event' };
    expect(fits(ls, 'Sensor Fifteen').evidence[1]).toBe('category file_event: event.type = "creation"');
    expect(fits({ product: 'windows', category: 'process_creation' }, 'Sensor Fifteen').evidence[1]).toBe(
      'category process_creation: event.type = "start"',
    );
    expect(fits({ product: 'windows' }, 'Guard Sixteen').fits).toBe(true);
    expect(fits(ls, 'Guard Sixteen').fits).toBe(false);
  });

  it('process creations: a sensor recording process starts, not an anti-virus quoting images', () => {
    const ls = { product: 'windows', category: 'process_creation' };
    expect(fits(ls, 'Sensor Thirteen').fits).toBe(true); // untyped events: the fields decide
    expect(fits(ls, 'Guard Sixteen').fits).toBe(false);
    expect(fits(ls, 'Guard Sixteen').evidence[1]).toBe('category process_creation: no evidence in the intake');
  });

  it('Workspace login audit: the login service among the service names', () => {
    const login = fits({ product: 'gcp', service: 'google_workspace.login' }, 'Relay One');
    // The product is decided elsewhere (a fixture module says nothing of Google Cloud); the service is the point.
    expect(login.evidence[1]).toBe('service google_workspace.login: service.name = "login.googleapis.com"');
    expect(fits({ product: 'gcp', service: 'google_workspace.login' }, 'Other Four').evidence[1]).toBe(
      'service google_workspace.login: no evidence in the intake',
    );
  });

  it('Entra ID sign-ins and audits: the directory workload among the service names', () => {
    for (const service of ['signinlogs', 'auditlogs']) {
      const fit = fits({ product: 'azure', service }, 'Unified Three');
      expect(fit.fits, service).toBe(true);
      expect(fit.evidence[0]).toBe('product azure: service.name = "AzureActiveDirectory"');
    }
    // Only the directory's own services: not the Activity Log.
    expect(fits({ product: 'azure', service: 'activitylogs' }, 'Unified Three').fits).toBe(false);
    expect(fits({ product: 'azure', service: 'signinlogs' }, 'Relay One').fits).toBe(false);
  });
});

describe.skipIf(!haveShared('data', 'intake-formats'))('relayed records on the real intakes', () => {
  let intakes: Intake[];
  let table: LogsourceTable;
  beforeAll(async () => {
    ({ intakes, table } = await load([shared('data', 'intake-formats')]));
  }, 120_000);
  const fitting = (ls: LogSource) => new Set(intakes.filter((i) => logsourceFit(ls, i, table).fits).map((i) => i.name));

  it('Kubernetes audit in Google Cloud Audit Logs (GKE) and Defender XDR (AKS), not in the Activity Log or CloudTrail', () => {
    const set = fitting({ product: 'kubernetes', service: 'audit' });
    for (const name of [
      'Kubernetes Audit Log',
      'Google Cloud Audit Logs',
      'Microsoft Defender XDR / Microsoft 365 Defender',
    ])
      expect(set.has(name), name).toBe(true);
    for (const name of ['Azure Activity Logs [BETA]', 'AWS CloudTrail', 'Okta'])
      expect(set.has(name), name).toBe(false);
  });

  it('CloudTrail records in OCSF (Security Lake), not in finding feeds about AWS', () => {
    const set = fitting({ product: 'aws', service: 'cloudtrail' });
    expect(set.has('OCSF')).toBe(true);
    expect(set.has('AWS CloudTrail')).toBe(true);
    expect(set.has('Wiz Issues')).toBe(false);
  });

  it('proxies: URL filtering of firewalls and network sensors, not WAFs, CDNs or load balancers', () => {
    const set = fitting({ category: 'proxy' });
    for (const name of ['Palo Alto NGFW', 'Check Point NGFW', 'Cisco Meraki MX', 'Suricata', 'Palo Alto Prisma access'])
      expect(set.has(name), name).toBe(true);
    for (const name of ['Imperva WAF', 'OGO WAF', 'Cloudflare WAF events', 'AWS WAF', 'Thinkst Canary'])
      expect(set.has(name), name).toBe(false);
  });

  it('DNS queries of Windows hosts: the event-log intakes and EDR telemetry, not anti-virus detections', () => {
    const set = fitting({ product: 'windows', category: 'dns_query' });
    for (const name of [
      'Windows',
      'Elastic Winlogbeat',
      'Sekoia.io Endpoint Agent',
      'HarfangLab EDR',
      'SentinelOne Cloud Funnel 2.0',
    ])
      expect(set.has(name), name).toBe(true);
    for (const name of ['Kaspersky Endpoint Security', 'Broadcom/Symantec Endpoint Security', 'TEHTRIS EDR'])
      expect(set.has(name), name).toBe(false);
  });

  it('registry values set on Windows: event logs and EDR telemetry, not a feed naming key paths only', () => {
    const set = fitting({ product: 'windows', category: 'registry_set' });
    for (const name of [
      'Windows',
      'Elastic Winlogbeat',
      'Sekoia.io Endpoint Agent',
      'HarfangLab EDR',
      'Microsoft Defender XDR / Microsoft 365 Defender',
      'SentinelOne Cloud Funnel 2.0',
    ])
      expect(set.has(name), name).toBe(true);
    expect(set.has('Panda Security SIEM Feeder')).toBe(false);
    expect(set.has('Trend Micro Vision One Workbench Alerts [BETA]')).toBe(false);
  });

  it('file events and process creations: event logs and EDR telemetry, not anti-virus or alert feeds', () => {
    const windows = fitting({ product: 'windows', category: 'file_event' });
    for (const name of [
      'Windows',
      'Elastic Winlogbeat',
      'Azure Windows',
      'Sekoia.io Endpoint Agent',
      'HarfangLab EDR',
      'Microsoft Defender XDR / Microsoft 365 Defender',
      'SentinelOne Cloud Funnel 2.0',
      'Crowdstrike Falcon Telemetry',
      'Palo Alto Cortex XDR (EDR)',
    ])
      expect(windows.has(name), name).toBe(true);
    for (const name of [
      'Kaspersky Endpoint Security',
      'Broadcom/Symantec Endpoint Security',
      'Cybereason EDR',
      'TEHTRIS EDR',
    ])
      expect(windows.has(name), name).toBe(false);
    const processes = fitting({ product: 'windows', category: 'process_creation' });
    for (const name of [
      'Windows',
      'Elastic Winlogbeat',
      'Sekoia.io Endpoint Agent',
      'Crowdstrike Falcon Telemetry',
      'Tanium',
    ])
      expect(processes.has(name), name).toBe(true);
    for (const name of ['TEHTRIS EDR', 'Trend Micro Vision One Workbench Alerts [BETA]', 'Kaspersky Endpoint Security'])
      expect(processes.has(name), name).toBe(false);
    const linux = fitting({ product: 'linux', category: 'file_event' });
    for (const name of ['Elastic AuditBeat Linux', 'Sekoia.io Endpoint Agent', 'Tanium'])
      expect(linux.has(name), name).toBe(true);
  });

  it('web servers: the WAF request logs, not the WAF console audit log', () => {
    const set = fitting({ category: 'webserver' });
    expect(set.has('Fastly Next-Gen WAF Audit Logs')).toBe(false);
    // A secure access gateway listing WAF logs logs its users' requests to other sites.
    expect(set.has('Palo Alto Prisma access')).toBe(false);
    expect(set.has('Apache HTTP Server')).toBe(true);
    expect(set.has('AWS WAF')).toBe(true);
  });

  it('Workspace login audit in Google Cloud Audit Logs too', () => {
    const set = fitting({ product: 'gcp', service: 'google_workspace.login' });
    expect(set.has('Google Cloud Audit Logs')).toBe(true);
    expect(set.has('Google Workspace / ChromeOS')).toBe(true);
    expect(set.has('Google Kubernetes Engine')).toBe(false);
  });

  it('Entra ID sign-ins and audits in the Office 365 unified audit log, not its Activity Log rules', () => {
    expect(fitting({ product: 'azure', service: 'signinlogs' }).has('Microsoft 365 / Office 365')).toBe(true);
    expect(fitting({ product: 'azure', service: 'auditlogs' }).has('Microsoft 365 / Office 365')).toBe(true);
    expect(fitting({ product: 'azure', service: 'activitylogs' }).has('Microsoft 365 / Office 365')).toBe(false);
    expect(fitting({ product: 'azure', service: 'signinlogs' }).has('Microsoft 365 Message Trace')).toBe(false);
  });
});
