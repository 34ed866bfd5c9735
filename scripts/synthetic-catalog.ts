/**
 * A synthetic catalog of R rules × I intakes, for the benchmarks' scale series.
 *
 *   node dist/scripts/synthetic-catalog.js --rules R --intakes I --out DIR [--seed N]
 *
 * Writes DIR/rules (Sigma YAML) and DIR/intakes (intake-formats layout), the
 * same bytes for the same arguments. The world it draws:
 *   - vendors with made-up names, ~3 intakes each (module folder, module manifest);
 *   - each intake has a kind of log source (a domain: endpoint, network, proxy...)
 *     and 30–300 fields (log-normal, median ~70): ~75% ECS-style names drawn from
 *     a shared vocabulary of a few thousand with a skewed (Zipf) popularity weighted
 *     by its domain, ~25% names of its vendor's own namespace; a parser `set` stage
 *     writes them (a few as literals: observer.vendor, event.category), `_meta/fields.yml`
 *     declares the vendor's, one or two test events carry a subset;
 *   - each rule targets a domain (skewed towards endpoint, as Sigma is); 99% name
 *     a vendor (`logsource.product: <vendor>`, so only that vendor's intakes can
 *     match) and test mostly fields its intakes produce, as rule authors do; 1% are
 *     generic (`logsource.category: syn_<domain>`, unknown to the log-source table,
 *     so only fields decide) and test fields of their domain; 1–4 selections of 1–5
 *     field tests with modifiers; conditions use and, or, not, `1 of`, `all of`;
 *     ATT&CK tags are active techniques of the shipped table.
 * A vendor rule so applies to a few intakes whatever the scale, a generic one to a
 * share of all intakes: ~4 intakes per rule on average at 1k×100 and 10k×1k
 * (~20% of the rules apply nowhere), so pages keep a realistic size as the
 * catalog grows. The benchmark reports the matched pairs and output size.
 * Files are written synchronously, one write per file.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  buildVocabulary,
  domainSamplers,
  DOMAINS,
  innerNames,
  makeRandom,
  Sampler,
  type Domain,
} from './synthetic-vocabulary.js';

export interface SyntheticOptions {
  rules: number;
  intakes: number;
  out: string;
  seed?: number;
}

export interface SyntheticSummary {
  rules: number;
  intakes: number;
  vendors: number;
  files: number;
  bytes: number;
  rulesDir: string;
  intakesDir: string;
}

type Random = () => number;

/** Share of intakes and of rules per domain. */
const INTAKE_SHARE: Record<Domain, number> = {
  endpoint: 0.2,
  network: 0.2,
  proxy: 0.08,
  dns: 0.06,
  identity: 0.12,
  cloud: 0.14,
  email: 0.06,
  web: 0.1,
  container: 0.04,
};
const RULE_SHARE: Record<Domain, number> = {
  endpoint: 0.5,
  network: 0.08,
  proxy: 0.06,
  dns: 0.03,
  identity: 0.08,
  cloud: 0.14,
  email: 0.03,
  web: 0.06,
  container: 0.02,
};
const GENERIC_RULES = 0.01;
/** Share of a vendor rule's fields taken from what the vendor's intakes produce (the rest from its domain). */
const VENDOR_FIELDS = 0.85;
/** Fields rules seldom test (bookkeeping, raw text). */
const RULES_AVOID = new Set([
  '@timestamp',
  'message',
  'event.original',
  'event.created',
  'event.ingested',
  'event.id',
  'event.hash',
]);

const KINDS: Record<Domain, string[]> = {
  endpoint: ['EDR', 'Endpoint Agent', 'Sensor Telemetry', 'Host Audit', 'Antivirus'],
  network: ['Firewall', 'Next-Gen Firewall', 'Network Gateway', 'Flow Logs', 'Intrusion Prevention'],
  proxy: ['Secure Web Gateway', 'Web Proxy', 'Cloud Proxy'],
  dns: ['DNS Resolver', 'DNS Logs', 'Protective DNS'],
  identity: ['Identity Provider', 'SSO Audit', 'Directory Audit', 'MFA Logs'],
  cloud: ['Cloud Audit Trail', 'Cloud Activity', 'Admin Activity', 'Storage Access'],
  email: ['Email Security', 'Mail Gateway', 'Mailbox Audit'],
  web: ['Web Server', 'Load Balancer', 'Application Firewall', 'API Gateway'],
  container: ['Container Runtime', 'Cluster Audit', 'Registry Events'],
};
const SUFFIXES = ['Legacy', 'Cloud', 'On Premise', 'SaaS', 'Beta', 'Europe', 'Gov'];
const CATEGORIES: Record<Domain, string[]> = {
  endpoint: ['process', 'file', 'registry', 'driver', 'library'],
  network: ['network', 'intrusion_detection'],
  proxy: ['web', 'network'],
  dns: ['network'],
  identity: ['authentication', 'iam', 'session'],
  cloud: ['configuration', 'iam', 'database'],
  email: ['email'],
  web: ['web', 'network'],
  container: ['process', 'configuration'],
};
const DATA_SOURCES: Record<Domain, string[]> = {
  endpoint: ['Process monitoring', 'File monitoring', 'Windows Registry'],
  network: ['Network traffic', 'Netflow/Enclave netflow', 'Network intrusion detection system'],
  proxy: ['Web proxy', 'Network traffic'],
  dns: ['DNS records', 'Network protocol analysis'],
  identity: ['Authentication logs', 'Account management'],
  cloud: ['Cloud API logs', 'Cloud audit logs'],
  email: ['Email gateway', 'Mail server'],
  web: ['Web logs', 'Web application firewall logs'],
  container: ['Container logs', 'Kubernetes audit logs'],
};

const WORDS = [
  'alpha',
  'bravo',
  'cedar',
  'delta',
  'ember',
  'falcon',
  'garnet',
  'harbor',
  'indigo',
  'juniper',
  'kestrel',
  'lumen',
  'maple',
  'nimbus',
  'onyx',
  'pioneer',
  'quartz',
  'raven',
  'sierra',
  'tundra',
  'umber',
  'vertex',
  'willow',
  'xenon',
  'yonder',
  'zephyr',
];
const VERBS = [
  'Suspicious',
  'Unusual',
  'Rare',
  'Remote',
  'Hidden',
  'Encoded',
  'Privileged',
  'Anomalous',
  'Renamed',
  'Unsigned',
  'Bulk',
  'Failed',
  'New',
  'Disabled',
  'Modified',
  'Deleted',
  'Scheduled',
  'Elevated',
  'External',
  'Repeated',
];
const OBJECTS = [
  'Process Execution',
  'Service Creation',
  'Registry Run Key',
  'Scheduled Task',
  'Login Attempt',
  'Token Usage',
  'API Call',
  'File Download',
  'Archive Creation',
  'DNS Query',
  'TLS Session',
  'Mailbox Rule',
  'Role Assignment',
  'Bucket Policy',
  'Driver Load',
  'Library Load',
  'Network Connection',
  'Port Scan',
  'Password Reset',
  'MFA Enrollment',
  'Container Start',
  'Pod Exec',
  'Proxy Request',
  'Email Attachment',
  'Share Access',
  'Credential Dump',
  'Shell Spawn',
  'Script Execution',
  'Firewall Change',
  'Audit Policy Change',
];
const CONTEXTS = [
  'From a Temporary Folder',
  'By an Office Application',
  'Outside Business Hours',
  'From a New Country',
  'With a Known Tool',
  'Via Command Line',
  'To a Rare Domain',
  'On a Domain Controller',
  'By a Service Account',
  'With an Unusual Parent',
  'Through a Proxy',
  'From a Public Address',
  'With Base64 Arguments',
  'In a System Folder',
  'By a Guest Account',
  'Over an Uncommon Port',
  'From a Script Host',
  'After Hours in Bulk',
];
const LEVELS: [string, number][] = [
  ['informational', 0.05],
  ['low', 0.15],
  ['medium', 0.45],
  ['high', 0.3],
  ['critical', 0.05],
];
const STATUSES = ['stable', 'test', 'experimental'];
const EFFORTS = ['elementary', 'intermediate', 'advanced', 'master'];

function pick<T>(random: Random, list: readonly T[]): T {
  return list[Math.floor(random() * list.length)];
}

function pickWeighted<K extends string>(random: Random, weights: Record<K, number>): K {
  const entries = Object.entries(weights) as [K, number][];
  let r = random() * entries.reduce((a, [, w]) => a + w, 0);
  for (const [k, w] of entries) if ((r -= w) < 0) return k;
  return entries[entries.length - 1][0];
}

function int(random: Random, lo: number, hi: number): number {
  return lo + Math.floor(random() * (hi - lo + 1));
}

function uuid(random: Random): string {
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 16).toString(16)).join('');
  return `${hex(8)}-${hex(4)}-4${hex(3)}-${'89ab'[Math.floor(random() * 4)]}${hex(3)}-${hex(12)}`;
}

const q = (s: string) => JSON.stringify(s); // a YAML double-quoted scalar
const key = (s: string) => (/^[A-Za-z_][\w.-]*$/.test(s) ? s : q(s));
const slugify = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
const camel = (field: string) =>
  field
    .split(/[._]/)
    .map((p, i) => (i === 0 ? p : p.charAt(0).toUpperCase() + p.slice(1)))
    .join('');

/** Made-up vendor names (consonant–vowel syllables), none a word used elsewhere. */
function vendorNames(random: Random, n: number, reserved: Set<string>): string[] {
  const C = 'bcdfgklmnprstvz';
  const V = 'aeiou';
  const out: string[] = [];
  const seen = new Set<string>();
  while (out.length < n) {
    const syllables = out.length < 2000 ? 3 : 4;
    let w = '';
    for (let i = 0; i < syllables; i++) w += C[Math.floor(random() * C.length)] + V[Math.floor(random() * V.length)];
    if (seen.has(w) || reserved.has(w)) continue;
    seen.add(w);
    out.push(w.charAt(0).toUpperCase() + w.slice(1));
  }
  return out;
}

/** A plausible value for a field, from its last name part. */
function valueFor(random: Random, field: string): string | number | boolean {
  const leaf = field.slice(field.lastIndexOf('.') + 1);
  if (/(^|_)ip$|address$|forwarded_ip|resolved_ip/.test(leaf))
    return `10.${int(random, 0, 255)}.${int(random, 0, 255)}.${int(random, 1, 254)}`;
  if (/port$/.test(leaf)) return int(random, 1, 65535);
  if (/bytes$|packets$|size$|count$|pid$|ppid$|number$|code$|ttl$|score$|uptime$|duration$|sequence$/.test(leaf))
    return int(random, 0, 100000);
  if (/^(trusted|valid|interactive|established|resumed|installed|privileged)$/.test(leaf)) return random() < 0.5;
  if (
    /^(start|end|created|mtime|ctime|accessed|ingested|first_seen|last_seen)$|timestamp$|not_after|not_before/.test(
      leaf,
    )
  )
    return `2025-0${int(random, 1, 9)}-1${int(random, 0, 9)}T0${int(random, 0, 9)}:${int(random, 10, 59)}:00Z`;
  if (/md5$/.test(leaf)) return Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16)).join('');
  if (/sha1$/.test(leaf)) return Array.from({ length: 40 }, () => Math.floor(random() * 16).toString(16)).join('');
  if (/sha256$|imphash$|ja3s?$|ja4$/.test(leaf))
    return Array.from({ length: 64 }, () => Math.floor(random() * 16).toString(16)).join('');
  if (/executable$|path$|directory$/.test(leaf))
    return random() < 0.6
      ? `C:\\Program Files\\${pick(random, WORDS)}\\${pick(random, WORDS)}.exe`
      : `/opt/${pick(random, WORDS)}/bin/${pick(random, WORDS)}`;
  if (/command_line$|args$/.test(leaf))
    return `${pick(random, WORDS)}.exe --${pick(random, WORDS)} ${pick(random, WORDS)}`;
  if (/domain$|name$|hostname$|full$|original$/.test(leaf) && /url|dns|domain|host/.test(field))
    return `${pick(random, WORDS)}.${pick(random, WORDS)}.example`;
  return `${pick(random, WORDS)}-${pick(random, WORDS)}`;
}

function fieldType(random: Random, field: string): string {
  const v = valueFor(random, field);
  if (typeof v === 'number') return 'long';
  if (typeof v === 'boolean') return 'boolean';
  if (/^10\.\d/.test(v)) return 'ip';
  if (/^2025-/.test(v)) return 'date';
  return 'keyword';
}

interface Vendor {
  name: string;
  slug: string;
  domain: Domain;
  /** The vendor's own field names (`<slug>.<group>.<leaf>`), most used first, with samplers for intakes and rules. */
  own: string[];
  ownForIntakes: Sampler;
  /** What rules written for the vendor test: the fields its intakes produce (built once its intakes are known). */
  produced?: Sampler;
  intakes: IntakeSpec[];
}

interface IntakeSpec {
  uuid: string;
  name: string;
  slug: string;
  domain: Domain;
  vendor: Vendor;
  fields: string[];
  category: string;
}

const VENDOR_GROUPS = [
  'event',
  'alert',
  'session',
  'policy',
  'device',
  'detection',
  'audit',
  'client',
  'request',
  'threat',
  'rule',
  'tenant',
  'connection',
  'asset',
  'verdict',
];
const VENDOR_LEAVES = [
  'id',
  'name',
  'type',
  'status',
  'severity',
  'score',
  'reason',
  'category',
  'action',
  'uuid',
  'label',
  'count',
  'origin',
  'source',
  'target',
  'mode',
  'level',
  'hash',
  'tags',
  'version',
];

function ownFields(random: Random, slug: string): string[] {
  const n = int(random, 40, 120);
  const set = new Set<string>();
  for (let tries = 0; set.size < n && tries < n * 10; tries++)
    set.add(`${slug}.${pick(random, VENDOR_GROUPS)}.${pick(random, VENDOR_LEAVES)}`);
  return [...set];
}

/** Log-normal field count, median ~70, within 30–300. */
function fieldCount(random: Random): number {
  const normal = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return Math.max(30, Math.min(300, Math.round(70 * Math.exp(0.6 * normal))));
}

/**
 * Rule authors test what the vendor's intakes produce: each field weighted by how
 * many of them produce it and by its popularity (vocabulary rank, or its rank in
 * the vendor's namespace).
 */
function producedSampler(vendor: Vendor, popularity: Map<string, number>): Sampler {
  const count = new Map<string, number>();
  for (const intake of vendor.intakes)
    for (const f of intake.fields) if (!RULES_AVOID.has(f)) count.set(f, (count.get(f) ?? 0) + 1);
  const ownRank = new Map(vendor.own.map((f, i) => [f, i]));
  const names = [...count.keys()].sort();
  return new Sampler(
    names,
    names.map((f) => count.get(f)! * Math.pow(popularity.get(f) ?? 1 / ((ownRank.get(f) ?? 100) + 20), 1.3)),
  );
}

function planVendors(
  random: Random,
  intakeCount: number,
  samplers: Record<Domain, Sampler>,
  popularity: Map<string, number>,
): Vendor[] {
  const reserved = new Set(
    Object.values(KINDS)
      .flat()
      .concat(SUFFIXES)
      .flatMap((k) => k.toLowerCase().split(/\W+/)),
  );
  const names = vendorNames(random, Math.ceil(intakeCount / 1.5) + 10, reserved);
  const vendors: Vendor[] = [];
  let made = 0;
  for (let v = 0; made < intakeCount; v++) {
    const name = names[v];
    const slug = name.toLowerCase();
    const own = ownFields(random, slug);
    const vendor: Vendor = {
      name,
      slug,
      domain: pickWeighted(random, INTAKE_SHARE),
      own,
      ownForIntakes: new Sampler(
        own,
        own.map((_, i) => 1 / Math.pow(i + 1, 0.8)),
      ),
      intakes: [],
    };
    const count = Math.min(intakeCount - made, int(random, 1, 5));
    const used = new Set<string>();
    for (let k = 0; k < count; k++) {
      const domain = random() < 0.75 ? vendor.domain : pickWeighted(random, INTAKE_SHARE);
      let title = `${name} ${pick(random, KINDS[domain])}`;
      for (let s = 0; used.has(title); s++)
        title = `${name} ${pick(random, KINDS[domain])} ${s < SUFFIXES.length ? SUFFIXES[s] : s}`;
      used.add(title);
      const n = fieldCount(random);
      const shared = samplers[domain].drawDistinct(random, Math.round(n * 0.75));
      const own = vendor.ownForIntakes.drawDistinct(random, n - shared.size);
      vendor.intakes.push({
        uuid: uuid(random),
        name: title,
        slug: slugify(title),
        domain,
        vendor,
        fields: [...shared, ...own],
        category: pick(random, CATEGORIES[domain]),
      });
    }
    made += count;
    vendor.produced = producedSampler(vendor, popularity);
    vendors.push(vendor);
  }
  return vendors;
}

class Writer {
  files = 0;
  bytes = 0;
  private readonly dirs = new Set<string>();

  write(file: string, text: string): void {
    const dir = path.dirname(file);
    if (!this.dirs.has(dir)) {
      mkdirSync(dir, { recursive: true });
      this.dirs.add(dir);
    }
    writeFileSync(file, text);
    this.files++;
    this.bytes += text.length;
  }
}

/** Fields the parser's first action writes (literals and the date), whatever the intake's field list says. */
const WRITTEN_FIRST = new Set(['observer.vendor', 'event.category', '@timestamp', 'message']);

/** The raw event key a field is copied from (`sourceIp`, `requestId` for `action.properties.requestId`). */
function rawKey(intake: IntakeSpec, field: string): string {
  return camel(field.replace(/^action\.properties\./, '').replace(`${intake.vendor.slug}.`, ''));
}

function parserYaml(random: Random, intake: IntakeSpec, parserFields: string[]): string {
  const raw = (f: string) => `{{json_event.message.${rawKey(intake, f)}}}`;
  const ecs = parserFields.filter((f) => !f.startsWith(`${intake.vendor.slug}.`) && !WRITTEN_FIRST.has(f));
  const own = parserFields.filter((f) => f.startsWith(`${intake.vendor.slug}.`));
  const lines = [
    `name: ${intake.slug}`,
    'pipeline:',
    '  - name: json_event',
    '    external:',
    '      name: json.parse-json',
    '      properties:',
    '        input_field: original.message',
    '        output_field: message',
    '  - name: parsed_date',
    '    external:',
    '      name: date.parse',
    '      properties:',
    '        input_field: "{{json_event.message.time}}"',
    '        output_field: datetime',
    '  - name: set_ecs_fields',
    ...(own.length ? ['  - name: set_vendor_fields'] : []),
    '',
    'stages:',
    '  set_ecs_fields:',
    '    actions:',
    '      - set:',
    `          observer.vendor: ${q(intake.vendor.name)}`,
    `          event.category: [${q(intake.category)}]`,
    '          "@timestamp": "{{parsed_date.datetime}}"',
  ];
  let i = 0;
  while (i < ecs.length) {
    const chunk = ecs.slice(i, i + int(random, 4, 20));
    i += chunk.length;
    for (const f of chunk) lines.push(`          ${key(f)}: ${q(raw(f))}`);
    if (i < ecs.length) {
      const guard = camel(ecs[i]);
      lines.push('', '      - set:');
      if (random() < 0.5)
        lines.splice(
          lines.length - 1,
          1,
          `      - filter: '{{json_event.message.get("${guard}") != None}}'`,
          '        set:',
        );
    }
  }
  if (own.length) {
    lines.push('', '  set_vendor_fields:', '    actions:', '      - set:');
    for (const f of own) lines.push(`          ${key(f)}: ${q(raw(f))}`);
  }
  return lines.join('\n') + '\n';
}

function fieldsYaml(random: Random, fields: string[]): string {
  return fields
    .map(
      (f) =>
        `${key(f)}:\n  description: The ${f.split('.').slice(1).join(' ').replace(/_/g, ' ')} reported by the vendor\n  name: ${f}\n  type: ${fieldType(random, f)}\n`,
    )
    .join('\n');
}

/** Nest dotted fields into an object; a name that is also a prefix of another is left out. */
function nest(values: Map<string, unknown>): Record<string, unknown> {
  const inner = innerNames(values.keys());
  const out: Record<string, unknown> = {};
  for (const f of [...values.keys()].sort()) {
    if (inner.has(f)) continue;
    const parts = f.split('.');
    let node = out;
    for (const p of parts.slice(0, -1)) node = (node[p] ??= {}) as Record<string, unknown>;
    node[parts[parts.length - 1]] = values.get(f);
  }
  return out;
}

function testEvent(random: Random, intake: IntakeSpec, fields: string[]): string {
  const values = new Map(fields.filter((f) => !WRITTEN_FIRST.has(f)).map((f) => [f, valueFor(random, f)]));
  const raw: Record<string, unknown> = { time: '2025-04-02T10:00:00Z' };
  for (const [f, v] of values) raw[rawKey(intake, f)] = v;
  const message = JSON.stringify(raw);
  const nested = nest(values);
  nested['@timestamp'] = raw.time;
  nested.event = { ...((nested.event as object) ?? {}), category: [intake.category] };
  nested.observer = { ...((nested.observer as object) ?? {}), vendor: intake.vendor.name };
  return JSON.stringify({ input: { message }, expected: { message, ...nested } }, null, 2) + '\n';
}

function writeIntakes(random: Random, writer: Writer, root: string, vendors: Vendor[]): void {
  for (const vendor of vendors) {
    const moduleDir = path.join(root, vendor.name);
    writer.write(
      path.join(moduleDir, '_meta', 'manifest.yml'),
      `uuid: ${uuid(random)}\nname: ${vendor.name}\nslug: ${vendor.slug}\ndescription: >-\n  ${vendor.name} makes security products.\n`,
    );
    for (const intake of vendor.intakes) {
      const dir = path.join(moduleDir, intake.slug);
      const sources = DATA_SOURCES[intake.domain];
      writer.write(
        path.join(dir, '_meta', 'manifest.yml'),
        `uuid: ${intake.uuid}\nname: ${intake.name}\nslug: ${intake.slug}\ndescription: >-\n  ${intake.name} events collected by Sekoia.io.\ndata_sources:\n` +
          sources
            .slice(0, int(random, 1, sources.length))
            .map((s) => `  ${s}: ${intake.name} records it\n`)
            .join(''),
      );
      const own = intake.fields.filter((f) => f.startsWith(`${vendor.slug}.`));
      // Most fields are written by the parser; a few of the vendor's are only declared.
      const declaredOnly = new Set(own.filter(() => random() < 0.1));
      const parserFields = intake.fields.filter((f) => !declaredOnly.has(f));
      writer.write(path.join(dir, 'ingest', 'parser.yml'), parserYaml(random, intake, parserFields));
      if (own.length) writer.write(path.join(dir, '_meta', 'fields.yml'), fieldsYaml(random, own));
      const tests = int(random, 1, 2);
      for (let t = 0; t < tests; t++) {
        const subset = parserFields.filter(() => random() < 0.6);
        writer.write(path.join(dir, 'tests', `test_${WORDS[t]}_event.json`), testEvent(random, intake, subset));
      }
    }
  }
}

interface Technique {
  id: string;
  tactics: string[];
}

function readTechniques(): Technique[] {
  const here = path.dirname(fileURLToPath(import.meta.url));
  // From dist/scripts or scripts/ (vitest): the shipped table under generator/data.
  for (const up of ['..', path.join('..', '..')]) {
    try {
      const table = JSON.parse(
        readFileSync(path.join(here, up, 'generator', 'data', 'attack-enterprise.json'), 'utf8'),
      ) as { techniques: { id: string; tactics: string[]; status: string }[] };
      return table.techniques
        .filter((t) => t.status === 'active' && t.tactics.length > 0)
        .map((t) => ({ id: t.id, tactics: t.tactics }));
    } catch {
      // try the next place
    }
  }
  throw new Error('Cannot read generator/data/attack-enterprise.json');
}

interface FieldTest {
  field: string;
  text: string;
}

/** One field test with modifiers and values, as YAML lines under a selection. */
function fieldTest(random: Random, field: string, category: string): FieldTest {
  if (field === 'event.category') return { field, text: `        ${field}: ${q(category)}` };
  const sample = valueFor(random, field);
  if (typeof sample === 'boolean') return { field, text: `        ${field}: ${sample}` };
  if (typeof sample === 'number') {
    const r = random();
    if (r < 0.3) return { field, text: `        ${field}|gt: ${sample}` };
    const values = Array.from({ length: int(random, 1, 4) }, () => valueFor(random, field));
    return {
      field,
      text:
        values.length === 1
          ? `        ${field}: ${values[0]}`
          : `        ${field}:\n${values.map((v) => `            - ${v}`).join('\n')}`,
    };
  }
  if (/^10\.\d/.test(sample) && random() < 0.5)
    return { field, text: `        ${field}|cidr: ${q(sample.replace(/\.\d+\.\d+$/, '.0.0/16'))}` };
  const r = random();
  const modifier =
    r < 0.35
      ? ''
      : r < 0.6
        ? '|contains'
        : r < 0.72
          ? '|endswith'
          : r < 0.84
            ? '|startswith'
            : r < 0.9
              ? '|contains|all'
              : r < 0.95
                ? '|re'
                : '|exists';
  if (modifier === '|exists') return { field, text: `        ${field}|exists: true` };
  const values = Array.from({ length: int(random, 1, modifier === '|contains|all' ? 3 : 5) }, () => {
    const v = String(valueFor(random, field));
    if (modifier === '|re') return `^${v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`;
    return modifier === '' ? v : v.slice(0, Math.max(3, Math.floor(v.length / 2)));
  });
  return {
    field,
    text:
      values.length === 1
        ? `        ${field}${modifier}: ${q(values[0])}`
        : `        ${field}${modifier}:\n${values.map((v) => `            - ${q(v)}`).join('\n')}`,
  };
}

function condition(random: Random, names: string[]): string {
  const sel = names.filter((n) => n.startsWith('selection'));
  const filters = names.filter((n) => n.startsWith('filter'));
  const notFilters =
    filters.length === 0 ? '' : filters.length === 1 ? ` and not ${filters[0]}` : ' and not 1 of filter_*';
  if (sel.length === 1) return `${sel[0]}${notFilters}`;
  const r = random();
  if (r < 0.4) return `1 of selection_*${notFilters}`;
  if (r < 0.6) return `all of selection_*${notFilters}`;
  if (r < 0.8 || sel.length < 3) return `(${sel.join(' or ')})${notFilters}`;
  return `${sel[0]} and (${sel.slice(1).join(' or ')})${notFilters}`;
}

function ruleYaml(
  random: Random,
  index: number,
  title: string,
  domain: Domain,
  vendor: Vendor | undefined,
  ruleSamplers: Record<Domain, Sampler>,
  techniques: Technique[],
): string {
  const category = pick(random, CATEGORIES[domain]);
  const chosen = Array.from({ length: random() < 0.7 ? 1 : int(random, 2, 3) }, () => pick(random, techniques));
  const tactics = [...new Set(chosen.flatMap((t) => t.tactics.slice(0, 1)))];
  const tags = [...tactics.map((t) => `attack.${t}`), ...new Set(chosen.map((t) => `attack.${t.id.toLowerCase()}`))];
  const selections = random() < 0.45 ? 1 : int(random, 2, 4);
  const names: string[] = [];
  const blocks: string[] = [];
  for (let s = 0; s < selections; s++) {
    const isFilter = s > 0 && random() < 0.25;
    const name = selections === 1 ? 'selection' : isFilter ? `filter_${WORDS[s]}` : `selection_${WORDS[s]}`;
    if (names.includes(name)) continue;
    const tests = int(random, 1, random() < 0.6 ? 2 : 5);
    const fields = new Set<string>();
    if (s === 0 && random() < 0.12) fields.add('event.category');
    for (let t = 0; fields.size < tests && t < tests * 5; t++) {
      fields.add(
        vendor?.produced && random() < VENDOR_FIELDS ? vendor.produced.draw(random) : ruleSamplers[domain].draw(random),
      );
    }
    names.push(name);
    blocks.push(`    ${name}:\n${[...fields].map((f) => fieldTest(random, f, category).text).join('\n')}`);
  }
  if (!names.some((n) => n.startsWith('selection'))) names[0] = 'selection';
  const level = (() => {
    let r = random();
    for (const [l, w] of LEVELS) if ((r -= w) < 0) return l;
    return 'medium';
  })();
  const logsource = vendor
    ? `    product: ${vendor.slug}\n${random() < 0.3 ? `    category: syn_${domain}\n` : ''}`
    : `    category: syn_${domain}\n`;
  const lines = [
    `title: ${q(title)}`,
    `id: ${uuid(random)}`,
    `status: ${pick(random, STATUSES)}`,
    `description: ${q(`Detects ${title.toLowerCase()} in ${vendor ? `${vendor.name} ` : ''}${domain} events. ${pick(random, WORDS)} ${pick(random, ['operators', 'intruders', 'red teams', 'commodity malware'])} use it to ${pick(random, ['persist', 'move laterally', 'hide their tracks', 'escalate privileges', 'exfiltrate data'])}; review the ${pick(random, ['parent process', 'source address', 'account', 'target resource'])} before escalating.`)}`,
    'references:',
    `    - https://example.org/research/${index}`,
    `author: synthetic catalog ${pick(random, WORDS)}`,
    `date: 2024-${String(int(random, 1, 12)).padStart(2, '0')}-${String(int(random, 10, 28))}`,
    'tags:',
    ...tags.map((t) => `    - ${t}`),
    'logsource:',
    logsource.trimEnd(),
    'detection:',
    ...blocks,
    `    condition: ${condition(random, names)}`,
    'falsepositives:',
    `    - ${pick(random, ['Administrators', 'Backup software', 'Software updates', 'Vulnerability scanners', 'Unknown'])}`,
    `level: ${level}`,
  ];
  if (random() < 0.3) lines.push(`effort: ${pick(random, EFFORTS)}`);
  if (random() < 0.05)
    lines.push(
      'changelog:',
      `    - date: 2025-${String(int(random, 1, 12)).padStart(2, '0')}-${String(int(random, 10, 28))}`,
      '      type: minor',
      `      description: ${q(`Tune the ${pick(random, WORDS)} selection.`)}`,
    );
  return lines.join('\n') + '\n';
}

function writeRules(
  random: Random,
  writer: Writer,
  root: string,
  count: number,
  vendors: Vendor[],
  ruleSamplers: Record<Domain, Sampler>,
): void {
  const techniques = readTechniques();
  const byDomain = new Map<Domain, Vendor[]>(DOMAINS.map((d) => [d, vendors.filter((v) => v.domain === d)]));
  // Popular vendors get more rules (Zipf over each domain's vendor list).
  const vendorSamplers = new Map<Domain, Sampler | undefined>(
    DOMAINS.map((d) => {
      const list = byDomain.get(d)!;
      return [
        d,
        list.length
          ? new Sampler(
              list.map((v) => v.slug),
              list.map((_, i) => 1 / Math.pow(i + 1, 0.9)),
            )
          : undefined,
      ];
    }),
  );
  const bySlug = new Map(vendors.map((v) => [v.slug, v]));
  const titles = new Set<string>();
  for (let i = 0; i < count; i++) {
    const domain = pickWeighted(random, RULE_SHARE);
    const sampler = vendorSamplers.get(domain);
    const vendor = sampler && random() >= GENERIC_RULES ? bySlug.get(sampler.draw(random)) : undefined;
    let title = `${pick(random, VERBS)} ${pick(random, OBJECTS)} ${pick(random, CONTEXTS)}`;
    if (vendor) title = `${vendor.name} ${title}`;
    if (titles.has(title)) title = `${title} (${i})`;
    titles.add(title);
    const folder = path.join(root, domain, vendor ? vendor.slug : 'generic');
    writer.write(
      path.join(folder, `${slugify(title)}.yml`),
      ruleYaml(random, i, title, domain, vendor, ruleSamplers, techniques),
    );
  }
}

/** Write the catalog under `options.out` (replacing `rules/` and `intakes/` there). */
export function writeSyntheticCatalog(options: SyntheticOptions): SyntheticSummary {
  const seed = options.seed ?? 1;
  const random = makeRandom(seed);
  const vocabulary = buildVocabulary(random);
  const intakeSamplers = domainSamplers(vocabulary, 1);
  const ruleSamplers = domainSamplers(vocabulary, 1.6, RULES_AVOID);
  const rulesDir = path.join(options.out, 'rules');
  const intakesDir = path.join(options.out, 'intakes');
  rmSync(rulesDir, { recursive: true, force: true });
  rmSync(intakesDir, { recursive: true, force: true });
  const writer = new Writer();
  const popularity = new Map(vocabulary.names.map((n, i) => [n, vocabulary.popularity[i]]));
  const vendors = planVendors(random, options.intakes, intakeSamplers, popularity);
  writeIntakes(random, writer, intakesDir, vendors);
  writeRules(random, writer, rulesDir, options.rules, vendors, ruleSamplers);
  return {
    rules: options.rules,
    intakes: options.intakes,
    vendors: vendors.length,
    files: writer.files,
    bytes: writer.bytes,
    rulesDir,
    intakesDir,
  };
}

/** `1k` → 1000, `10k` → 10000, `1m` → 1000000. */
export function parseCount(text: string): number {
  const m = /^(\d+(?:\.\d+)?)([km]?)$/i.exec(text.trim());
  if (!m) throw new Error(`Unexpected count ${JSON.stringify(text)}, expected a number such as 1000 or 10k`);
  return Math.round(Number(m[1]) * (m[2].toLowerCase() === 'k' ? 1e3 : m[2].toLowerCase() === 'm' ? 1e6 : 1));
}

function cli(argv: string[]): number {
  const value = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const rules = value('rules');
  const intakes = value('intakes');
  const out = value('out');
  if (!rules || !intakes || !out) {
    process.stderr.write('Usage: node dist/scripts/synthetic-catalog.js --rules R --intakes I --out DIR [--seed N]\n');
    return 2;
  }
  const start = performance.now();
  const summary = writeSyntheticCatalog({
    rules: parseCount(rules),
    intakes: parseCount(intakes),
    out: path.resolve(out),
    seed: Number(value('seed') ?? 1),
  });
  process.stdout.write(
    `synthetic catalog: ${summary.rules} rules, ${summary.intakes} intakes (${summary.vendors} vendors): ${summary.files} files, ` +
      `${(summary.bytes / 1e6).toFixed(1)} MB in ${((performance.now() - start) / 1000).toFixed(1)} s\n  --rules ${summary.rulesDir} --intakes ${summary.intakesDir}\n`,
  );
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url))
  process.exitCode = cli(process.argv.slice(2));
