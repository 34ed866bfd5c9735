/**
 * The field vocabulary of the synthetic catalogs: a few thousand ECS-style
 * names, each with a popularity, grouped by the kind of log source they come
 * from (domains). Names are built here from short part lists; nothing is read
 * from the ECS files.
 */

/** The kinds of log source; an intake has one, a rule targets one. */
export const DOMAINS = [
  'endpoint',
  'network',
  'proxy',
  'dns',
  'identity',
  'cloud',
  'email',
  'web',
  'container',
] as const;
export type Domain = (typeof DOMAINS)[number];

const HASHES = ['hash.md5', 'hash.sha1', 'hash.sha256', 'hash.imphash', 'hash.ssdeep'];
const SIGNER = [
  'code_signature.subject_name',
  'code_signature.trusted',
  'code_signature.status',
  'code_signature.signing_id',
  'code_signature.valid',
];
const BINARY = [
  'pe.original_file_name',
  'pe.company',
  'pe.product',
  'pe.description',
  'pe.file_version',
  'pe.imphash',
  'pe.architecture',
];
const ACCOUNT = [
  'name',
  'id',
  'domain',
  'email',
  'full_name',
  'hash',
  'roles',
  'group.name',
  'group.id',
  'group.domain',
];
const PEER = [
  'ip',
  'port',
  'address',
  'domain',
  'mac',
  'bytes',
  'packets',
  'registered_domain',
  'subdomain',
  'top_level_domain',
  'nat.ip',
  'nat.port',
  'geo.city_name',
  'geo.country_name',
  'geo.country_iso_code',
  'geo.region_name',
  'geo.continent_name',
  'geo.location.lat',
  'geo.location.lon',
  'geo.timezone',
  'as.number',
  'as.organization.name',
  'user.name',
  'user.id',
  'user.domain',
  'user.email',
  'process.name',
  'process.pid',
  'process.executable',
];
const PROCESS = [
  'pid',
  'ppid',
  'name',
  'executable',
  'command_line',
  'args',
  'args_count',
  'working_directory',
  'entity_id',
  'start',
  'end',
  'exit_code',
  'title',
  'interactive',
  'uptime',
  'session_id',
  'integrity_level',
  'token.elevation',
  'token.elevation_type',
  'thread.id',
  'thread.name',
  'user.name',
  'user.id',
  'user.domain',
  'group.name',
  'real_user.name',
  'saved_user.name',
  'env_vars',
  'io.text',
  'tty.char_device.major',
  ...HASHES,
  ...SIGNER,
  ...BINARY,
];
const FILE = [
  'path',
  'name',
  'extension',
  'directory',
  'size',
  'type',
  'mime_type',
  'owner',
  'group',
  'uid',
  'gid',
  'mode',
  'inode',
  'device',
  'drive_letter',
  'created',
  'mtime',
  'ctime',
  'accessed',
  'attributes',
  'target_path',
  'fork_name',
  'x509.subject.common_name',
  'x509.issuer.common_name',
  'x509.serial_number',
  ...HASHES,
  ...SIGNER,
  ...BINARY,
];

/** Namespace → its leaves (a leaf may contain dots). */
const NAMESPACES: Record<string, readonly string[]> = {
  event: [
    'category',
    'type',
    'action',
    'outcome',
    'kind',
    'code',
    'reason',
    'provider',
    'dataset',
    'module',
    'severity',
    'risk_score',
    'duration',
    'start',
    'end',
    'created',
    'ingested',
    'id',
    'sequence',
    'timezone',
    'original',
    'hash',
    'url',
    'agent_id_status',
  ],
  related: ['ip', 'user', 'hosts', 'hash'],
  observer: [
    'vendor',
    'product',
    'name',
    'hostname',
    'ip',
    'mac',
    'type',
    'version',
    'serial_number',
    'os.name',
    'os.family',
    'ingress.interface.name',
    'egress.interface.name',
    'ingress.zone',
    'egress.zone',
    'ingress.vlan.id',
    'egress.vlan.id',
  ],
  log: [
    'level',
    'logger',
    'file.path',
    'origin.file.name',
    'origin.function',
    'syslog.facility.name',
    'syslog.severity.name',
    'syslog.hostname',
    'syslog.appname',
  ],
  host: [
    'name',
    'hostname',
    'id',
    'ip',
    'mac',
    'domain',
    'type',
    'architecture',
    'uptime',
    'boot.id',
    'os.name',
    'os.version',
    'os.family',
    'os.platform',
    'os.kernel',
    'os.full',
    'os.build',
    'geo.country_name',
    'risk.calculated_level',
    'cpu.usage',
    'disk.read.bytes',
  ],
  agent: ['name', 'id', 'type', 'version', 'ephemeral_id', 'build.original'],
  user: ACCOUNT,
  'user.target': ACCOUNT,
  'user.effective': ACCOUNT,
  'user.changes': ACCOUNT,
  group: ['name', 'id', 'domain'],
  process: PROCESS,
  'process.parent': PROCESS,
  'process.parent.parent': ['pid', 'name', 'executable', 'command_line', 'entity_id'],
  'process.group_leader': ['pid', 'name', 'executable', 'command_line', 'entity_id', 'user.name'],
  'process.session_leader': ['pid', 'name', 'executable', 'command_line', 'entity_id'],
  'process.target': [
    'pid',
    'name',
    'executable',
    'command_line',
    'entity_id',
    'user.name',
    'access_mask',
    'granted_access',
  ],
  file: FILE,
  'file.target': ['path', 'name', 'extension', 'directory', 'size'],
  dll: ['name', 'path', ...HASHES, ...SIGNER, ...BINARY],
  driver: ['name', 'path', 'service_name', ...HASHES, ...SIGNER],
  registry: ['path', 'key', 'value', 'hive', 'data.strings', 'data.type', 'data.bytes', 'previous.data.strings'],
  service: [
    'name',
    'id',
    'type',
    'state',
    'version',
    'start_type',
    'executable',
    'node.name',
    'environment',
    'target.name',
  ],
  source: PEER,
  destination: PEER,
  client: PEER,
  server: PEER,
  network: [
    'protocol',
    'transport',
    'type',
    'direction',
    'bytes',
    'packets',
    'application',
    'community_id',
    'iana_number',
    'name',
    'vlan.id',
    'inner.vlan.id',
    'forwarded_ip',
    'session_id',
    'interface.name',
    'zone',
  ],
  rule: [
    'id',
    'name',
    'category',
    'ruleset',
    'uuid',
    'version',
    'description',
    'reference',
    'author',
    'license',
    'action',
  ],
  interface: ['name', 'id', 'alias'],
  url: [
    'full',
    'original',
    'domain',
    'path',
    'query',
    'scheme',
    'port',
    'extension',
    'registered_domain',
    'top_level_domain',
    'subdomain',
    'fragment',
    'username',
    'category',
  ],
  http: [
    'request.method',
    'request.bytes',
    'request.body.bytes',
    'request.body.content',
    'request.mime_type',
    'request.referrer',
    'request.id',
    'request.header.host',
    'request.header.accept',
    'request.header.cookie',
    'request.header.authorization',
    'request.header.content_type',
    'response.status_code',
    'response.bytes',
    'response.body.bytes',
    'response.body.content',
    'response.mime_type',
    'response.header.server',
    'response.header.location',
    'response.header.set_cookie',
    'version',
  ],
  user_agent: ['original', 'name', 'version', 'device.name', 'os.name', 'os.version', 'os.full', 'os.family'],
  dns: [
    'question.name',
    'question.type',
    'question.class',
    'question.registered_domain',
    'question.subdomain',
    'question.top_level_domain',
    'answers.data',
    'answers.type',
    'answers.ttl',
    'answers.name',
    'answers.class',
    'response_code',
    'id',
    'op_code',
    'type',
    'header_flags',
    'resolved_ip',
    'cache_status',
  ],
  tls: [
    'version',
    'version_protocol',
    'cipher',
    'curve',
    'established',
    'resumed',
    'next_protocol',
    'client.ja3',
    'client.ja4',
    'client.server_name',
    'client.subject',
    'client.issuer',
    'client.supported_ciphers',
    'client.hash.sha256',
    'server.ja3s',
    'server.subject',
    'server.issuer',
    'server.not_after',
    'server.not_before',
    'server.hash.sha1',
    'server.x509.serial_number',
    'server.x509.subject.common_name',
    'server.x509.issuer.organization',
    'server.x509.alternative_names',
  ],
  email: [
    'from.address',
    'to.address',
    'cc.address',
    'bcc.address',
    'reply_to.address',
    'sender.address',
    'subject',
    'message_id',
    'direction',
    'delivery_timestamp',
    'origination_timestamp',
    'content_type',
    'local_id',
    'x_mailer',
    'attachments.file.name',
    'attachments.file.extension',
    'attachments.file.size',
    'attachments.file.mime_type',
    'attachments.file.hash.sha256',
    'attachments.file.hash.md5',
    'return_path',
    'spam_score',
    'verdict',
    'policy.name',
  ],
  cloud: [
    'provider',
    'region',
    'availability_zone',
    'account.id',
    'account.name',
    'project.id',
    'project.name',
    'instance.id',
    'instance.name',
    'machine.type',
    'service.name',
    'origin.account.id',
    'target.account.id',
    'target.region',
    'resource.id',
    'resource.type',
    'resource.name',
    'tenant.id',
    'subscription.id',
    'api.operation',
    'api.version',
  ],
  container: [
    'id',
    'name',
    'image.name',
    'image.tag',
    'image.hash.all',
    'runtime',
    'labels',
    'security_context.privileged',
    'cpu.usage',
    'network.ingress.bytes',
  ],
  orchestrator: [
    'type',
    'namespace',
    'cluster.name',
    'cluster.id',
    'cluster.version',
    'resource.name',
    'resource.type',
    'resource.parent.type',
    'resource.annotation',
    'resource.label',
    'resource.ip',
    'api_version',
    'organization',
    'verb',
    'subresource',
  ],
  threat: [
    'indicator.type',
    'indicator.name',
    'indicator.ip',
    'indicator.url.full',
    'indicator.file.hash.sha256',
    'indicator.confidence',
    'indicator.provider',
    'indicator.first_seen',
    'software.name',
    'software.type',
    'group.name',
    'tactic.name',
    'technique.id',
    'technique.name',
    'framework',
    'feed.name',
    'enrichments.matched.field',
  ],
  vulnerability: [
    'id',
    'category',
    'description',
    'severity',
    'score.base',
    'score.version',
    'scanner.vendor',
    'reference',
    'classification',
    'enumeration',
  ],
  error: ['code', 'message', 'type', 'id'],
  package: ['name', 'version', 'architecture', 'installed', 'path', 'type', 'checksum', 'license'],
  authentication: ['type', 'method', 'factor', 'level', 'protocol', 'status', 'failure_reason'],
  action: ['name', 'type', 'outcome', 'target', 'id', 'outcome_reason'],
  policy: ['name', 'id', 'type', 'version', 'rule.name'],
  device: ['id', 'name', 'model.name', 'manufacturer', 'serial_number', 'compliance_state', 'management.type'],
};

/** How much each domain draws from each namespace (the longest namespace prefix of a name decides). */
const AFFINITY: Record<Domain, Record<string, number>> = {
  endpoint: {
    process: 10,
    'process.parent': 8,
    'process.parent.parent': 2,
    'process.group_leader': 1,
    'process.session_leader': 1,
    'process.target': 3,
    file: 6,
    'file.target': 2,
    dll: 3,
    driver: 2,
    registry: 5,
    host: 5,
    user: 4,
    'user.target': 1,
    'user.effective': 1,
    service: 2,
    source: 1,
    destination: 2,
    network: 1,
    threat: 1,
    group: 1,
    package: 1,
  },
  network: {
    source: 10,
    destination: 10,
    network: 8,
    observer: 4,
    rule: 5,
    interface: 2,
    client: 2,
    server: 2,
    tls: 1,
    url: 1,
    threat: 2,
    policy: 2,
    host: 1,
    user: 1,
  },
  proxy: {
    url: 10,
    http: 10,
    user_agent: 6,
    source: 5,
    destination: 5,
    network: 2,
    tls: 3,
    user: 3,
    rule: 2,
    policy: 2,
    threat: 1,
    file: 1,
  },
  dns: { dns: 12, source: 5, destination: 4, network: 3, client: 2, server: 2, host: 1, threat: 1 },
  identity: {
    user: 10,
    'user.target': 6,
    'user.changes': 3,
    group: 4,
    authentication: 8,
    source: 5,
    user_agent: 4,
    device: 3,
    policy: 2,
    host: 1,
    'user.effective': 1,
  },
  cloud: {
    cloud: 10,
    user: 6,
    'user.target': 2,
    source: 5,
    user_agent: 4,
    action: 6,
    service: 3,
    orchestrator: 1,
    container: 1,
    policy: 2,
    'user.effective': 2,
  },
  email: { email: 12, file: 3, url: 4, source: 4, destination: 2, threat: 3, user: 2, policy: 2, rule: 1 },
  web: {
    http: 10,
    url: 10,
    user_agent: 6,
    source: 6,
    destination: 3,
    client: 3,
    server: 3,
    tls: 2,
    host: 2,
    error: 2,
    service: 1,
  },
  container: {
    container: 10,
    orchestrator: 10,
    process: 4,
    host: 3,
    user: 3,
    cloud: 2,
    source: 2,
    file: 1,
    service: 2,
    package: 1,
  },
};

/** Namespaces every kind of intake writes (event bookkeeping). */
const COMMON: Record<string, number> = {
  event: 8,
  related: 6,
  observer: 3,
  log: 2,
  host: 1,
  agent: 1,
  error: 1,
  vulnerability: 0.2,
};

/** Words for `action.properties.<camelCase>` names, the passthrough of raw vendor keys. */
const RAW_FIRST = [
  'request',
  'response',
  'user',
  'session',
  'target',
  'resource',
  'policy',
  'device',
  'client',
  'app',
  'account',
  'operation',
  'tenant',
  'actor',
  'caller',
  'object',
  'workspace',
  'team',
  'role',
  'token',
  'key',
  'bucket',
  'instance',
  'volume',
  'network',
  'subnet',
  'gateway',
  'service',
  'region',
  'connection',
  'location',
  'risk',
  'alert',
  'incident',
  'scan',
  'job',
  'task',
  'pipeline',
];
const RAW_SECOND = [
  'Id',
  'Name',
  'Type',
  'Status',
  'Count',
  'Time',
  'Address',
  'Path',
  'Arn',
  'Owner',
  'State',
  'Level',
  'Detail',
  'Label',
  'Version',
  'Region',
  'Source',
  'Target',
  'Scope',
  'Reason',
  'Result',
  'Mode',
  'Size',
  'Hash',
  'Url',
];

export interface Vocabulary {
  names: string[];
  /** Base popularity of each name (Zipf over a shuffled, depth-biased order). */
  popularity: Float64Array;
  /** The namespace each name belongs to ('' for none). */
  namespace: string[];
}

/** Deterministic pseudo-random numbers in [0, 1) (sfc32). */
export function makeRandom(seed: number): () => number {
  let a = 0x9e3779b9 ^ seed;
  let b = 0x243f6a88 + seed * 31;
  let c = 0xb7e15162;
  let d = 1 ^ seed;
  const next = () => {
    a |= 0;
    b |= 0;
    c |= 0;
    d |= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 20; i++) next();
  return next;
}

export function buildVocabulary(random: () => number): Vocabulary {
  const entries: { name: string; ns: string; key: number }[] = [];
  const seen = new Set<string>();
  const add = (name: string, ns: string, depthBias: number) => {
    if (seen.has(name)) return;
    seen.add(name);
    entries.push({ name, ns, key: depthBias + random() * 3 });
  };
  add('@timestamp', 'event', 0);
  add('message', 'event', 0);
  for (const [ns, leaves] of Object.entries(NAMESPACES)) {
    for (const leaf of leaves) add(`${ns}.${leaf}`, ns, (ns.split('.').length + leaf.split('.').length) * 0.8);
  }
  for (const first of RAW_FIRST) {
    for (const second of RAW_SECOND) add(`action.properties.${first}${second}`, 'action', 4 + random() * 4);
  }
  // Deeper, rarer names: extra attributes under a few entity namespaces.
  const extras = [
    'risk_score',
    'tags',
    'labels',
    'comment',
    'category',
    'origin',
    'vendor_id',
    'display_name',
    'first_seen',
    'last_seen',
  ];
  for (const ns of [
    'process',
    'file',
    'user',
    'host',
    'source',
    'destination',
    'url',
    'cloud',
    'container',
    'email',
    'device',
    'service',
    'rule',
    'policy',
    'orchestrator',
    'dns',
    'tls',
  ]) {
    for (const sub of ['', 'meta.', 'attributes.', 'context.', 'enrichment.', 'reputation.']) {
      for (const leaf of extras) add(`${ns}.${sub}${leaf}`, ns, 6 + random() * 4);
    }
  }
  entries.sort((x, y) => x.key - y.key);
  const popularity = new Float64Array(entries.length);
  entries.forEach((_, rank) => (popularity[rank] = 1 / Math.pow(rank + 8, 1.05)));
  return { names: entries.map((e) => e.name), popularity, namespace: entries.map((e) => e.ns) };
}

/** Weight of namespace `ns` for a domain: the longest namespace prefix listed wins. */
function affinity(domain: Domain, ns: string): number {
  const table = AFFINITY[domain];
  for (let p = ns; p; p = p.includes('.') ? p.slice(0, p.lastIndexOf('.')) : '') {
    if (table[p] !== undefined) return table[p];
    if (COMMON[p] !== undefined) return COMMON[p];
  }
  return 0.05;
}

/** A weighted draw over the vocabulary: cumulative weights, sampled by binary search. */
export class Sampler {
  private readonly cumulative: Float64Array;
  constructor(
    readonly items: readonly string[],
    weights: ArrayLike<number>,
  ) {
    this.cumulative = new Float64Array(weights.length);
    let sum = 0;
    for (let i = 0; i < weights.length; i++) this.cumulative[i] = sum += weights[i];
  }

  draw(random: () => number): string {
    const target = random() * this.cumulative[this.cumulative.length - 1];
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cumulative[mid] <= target) lo = mid + 1;
      else hi = mid;
    }
    return this.items[lo];
  }

  /** `n` distinct items (fewer if the draws keep repeating). */
  drawDistinct(random: () => number, n: number, into = new Set<string>()): Set<string> {
    const goal = into.size + n;
    for (let tries = 0; into.size < goal && tries < n * 20; tries++) into.add(this.draw(random));
    return into;
  }
}

/** One sampler per domain; `sharpness` > 1 favours popular names more (rules do, intakes less); `avoid` is never drawn. */
export function domainSamplers(
  vocabulary: Vocabulary,
  sharpness: number,
  avoid: ReadonlySet<string> = new Set(),
): Record<Domain, Sampler> {
  const out = {} as Record<Domain, Sampler>;
  for (const domain of DOMAINS) {
    const weights = vocabulary.names.map((name, i) =>
      avoid.has(name) ? 0 : Math.pow(vocabulary.popularity[i] * affinity(domain, vocabulary.namespace[i]), sharpness),
    );
    out[domain] = new Sampler(vocabulary.names, weights);
  }
  return out;
}

/** Names that are not leaves because a longer name continues them (`a.b` when `a.b.c` exists). */
export function innerNames(names: Iterable<string>): Set<string> {
  const inner = new Set<string>();
  for (const n of names) {
    for (let i = n.indexOf('.'); i > 0; i = n.indexOf('.', i + 1)) inner.add(n.slice(0, i));
  }
  return inner;
}
