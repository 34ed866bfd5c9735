/**
 * Zeek's protocol logs on other network sensors: `product: zeek` fits a
 * network sensor (intrusion detection and protocol analysis data sources,
 * neither a firewall nor a product on hosts); its DNS, HTTP and RDP services
 * fit a sensor logging that protocol's records, and the shipped mapping reads
 * Zeek's names in ECS; its other services (SMB files, DCE-RPC...) stay with
 * Zeek's own intakes. Fixture intakes have neutral names; the real-corpus
 * checks skip when ../shared is absent.
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

const SENSOR_SOURCES = ['Network intrusion detection system', 'Network protocol analysis'];
const manifest = (uuid: string, name: string, sources: string[], description = 'Collected events') =>
  `uuid: ${uuid}\nname: ${name}\nslug: ${name.toLowerCase().replace(/\W+/g, '-')}\ndescription: ${description}\n` +
  (sources.length > 0 ? `data_sources:\n${sources.map((s) => `  ${s}: logs\n`).join('')}` : '');
const testEvent = (expected: unknown) => JSON.stringify({ input: { message: '{}' }, expected });

const dnsRecord = { dns: { question: { name: 'example.org' } }, source: { ip: '10.0.0.1' } };
const httpRecord = {
  http: { request: { method: 'PUT' } },
  user_agent: { original: 'Microsoft-WebDAV-MiniRedir/10.0' },
  destination: { ip: '10.0.0.2' },
};
const rdpRecord = { action: { type: 'rdp' }, source: { ip: '10.0.0.1' }, destination: { port: 3389 } };

async function load(folders: string[], rules: string[] = []) {
  const { config } = resolveConfig(REPO, undefined, { rules, intakes: folders });
  return runPipeline(config, rules.length === 0 ? { noMatch: true } : {});
}

describe('Zeek rules on network sensors', () => {
  let intakes: Intake[];
  let table: LogsourceTable;
  let applies: (rule: string) => string[];
  beforeAll(async () => {
    const root = writeTree({
      // A network sensor logging DNS, HTTP and RDP records.
      'intakes/N/sensor/_meta/manifest.yml': manifest(
        'dddddddd-0000-4000-8000-000000000001',
        'Sensor One',
        SENSOR_SOURCES,
      ),
      'intakes/N/sensor/tests/a.json': testEvent(dnsRecord),
      'intakes/N/sensor/tests/b.json': testEvent(httpRecord),
      'intakes/N/sensor/tests/c.json': testEvent(rdpRecord),
      // The same records from a firewall.
      'intakes/N/firewall/_meta/manifest.yml': manifest(
        'dddddddd-0000-4000-8000-000000000002',
        'Gate Two',
        SENSOR_SOURCES,
        'Next-generation firewall',
      ),
      'intakes/N/firewall/tests/a.json': testEvent(dnsRecord),
      'intakes/N/firewall/tests/b.json': testEvent(httpRecord),
      // Protocol analysis without intrusion detection: a flow exporter with HTTP fields.
      'intakes/N/flows/_meta/manifest.yml': manifest('dddddddd-0000-4000-8000-000000000003', 'Flows Three', [
        'Network protocol analysis',
      ]),
      'intakes/N/flows/tests/a.json': testEvent(httpRecord),
      // A sensor without HTTP requests in its records.
      'intakes/N/dnsonly/_meta/manifest.yml': manifest(
        'dddddddd-0000-4000-8000-000000000004',
        'Sensor Four',
        SENSOR_SOURCES,
      ),
      'intakes/N/dnsonly/tests/a.json': testEvent(dnsRecord),
      'rules/dns.yml':
        'title: Zeek DNS Lookup\nid: 11111111-0000-4000-8000-000000000001\nstatus: test\n' +
        'logsource: {product: zeek, service: dns}\ndetection:\n  sel:\n    query|endswith: .example\n  condition: sel\nlevel: low\n',
      'rules/http.yml':
        'title: Zeek HTTP Put\nid: 11111111-0000-4000-8000-000000000002\nstatus: test\n' +
        'logsource: {product: zeek, service: http}\ndetection:\n  sel:\n    method: PUT\n    user_agent|contains: WebDAV\n  condition: sel\nlevel: low\n',
      'rules/smb.yml':
        'title: Zeek SMB File\nid: 11111111-0000-4000-8000-000000000003\nstatus: test\n' +
        'logsource: {product: zeek, service: smb_files}\ndetection:\n  sel:\n    name|endswith: .exe\n  condition: sel\nlevel: low\n',
    });
    const loaded = await load([`${root}/intakes`], [`${root}/rules`]);
    intakes = [...loaded.catalog.intakes];
    table = loaded.matchInputs.table;
    applies = (title) => {
      const rule = loaded.catalog.rules.find((r) => r.title === title)!;
      return [...(loaded.match?.intakesByRule.get(rule) ?? [])].map((i) => i.name).sort();
    };
  }, 60_000);

  const fits = (ls: LogSource, name: string) =>
    logsourceFit(
      ls,
      intakes.find((i) => i.name === name)!,
      table,
    ).fits;

  it('fit a network sensor, not a firewall or a flow exporter', () => {
    expect(fits({ product: 'zeek', service: 'dns' }, 'Sensor One')).toBe(true);
    expect(fits({ product: 'zeek', service: 'http' }, 'Sensor One')).toBe(true);
    expect(fits({ product: 'zeek', service: 'rdp' }, 'Sensor One')).toBe(true);
    expect(fits({ product: 'zeek', service: 'dns' }, 'Gate Two')).toBe(false);
    expect(fits({ product: 'zeek', service: 'http' }, 'Flows Three')).toBe(false);
  });

  it('by service: the protocol records the sensor logs; other Zeek logs only on Zeek intakes', () => {
    expect(fits({ product: 'zeek', service: 'http' }, 'Sensor Four')).toBe(false);
    expect(fits({ product: 'zeek', service: 'rdp' }, 'Sensor Four')).toBe(false);
    expect(fits({ product: 'zeek', service: 'smb_files' }, 'Sensor One')).toBe(false);
    expect(fits({ product: 'zeek', service: 'conn' }, 'Sensor One')).toBe(false);
  });

  it("apply with Zeek's field names read in ECS by the shipped mapping", () => {
    expect(applies('Zeek DNS Lookup')).toEqual(['Sensor Four', 'Sensor One']);
    expect(applies('Zeek HTTP Put')).toEqual(['Sensor One']);
    expect(applies('Zeek SMB File')).toEqual([]);
  });
});

describe.skipIf(!haveShared('data', 'intake-formats'))('Zeek rules on the real intakes', () => {
  let intakes: Intake[];
  let table: LogsourceTable;
  beforeAll(async () => {
    const loaded = await load([shared('data', 'intake-formats')]);
    intakes = [...loaded.catalog.intakes];
    table = loaded.matchInputs.table;
  }, 120_000);
  const fitting = (ls: LogSource) => intakes.filter((i) => logsourceFit(ls, i, table).fits).map((i) => i.name);

  it('Suricata and Gatewatcher for DNS and HTTP, Suricata for RDP; no firewall, proxy or flow log', () => {
    expect(fitting({ product: 'zeek', service: 'dns' }).sort()).toEqual(['Gatewatcher AionIQ v102', 'Suricata']);
    expect(fitting({ product: 'zeek', service: 'http' }).sort()).toEqual([
      'Gatewatcher AionIQ V103',
      'Gatewatcher AionIQ v102',
      'Suricata',
    ]);
    expect(fitting({ product: 'zeek', service: 'rdp' })).toEqual(['Suricata']);
    expect(fitting({ product: 'zeek', service: 'smb_files' })).toEqual([]);
    expect(fitting({ product: 'zeek', service: 'dce_rpc' })).toEqual([]);
  });
});
