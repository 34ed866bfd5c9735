/**
 * Windows event data copied whole into action.properties: a Windows rule
 * reading an event-log event finds its event-data fields there, even when no
 * test event shows that key; nothing else does.
 */
import { describe, expect, it } from 'vitest';
import { makeIntake, ruleFromYaml } from '../../test/builders.js';
import { haveShared, shared } from '../../test/shared.js';
import { readIntakes } from '../load/read-intakes.js';
import { buildCatalog } from '../model/catalog.js';
import type { Rule } from '../model/rule.js';
import { hasBit } from './bitset.js';
import { ruleCanMatch } from './evaluate.js';
import { eventDataCopy, eventDataName, readsEventData } from './event-data.js';
import { explainPair } from './explain.js';
import { ALL_FEATURES, bitsetLattice, booleanLattice, carriers, indexIntakes } from './intake-index.js';
import type { LogsourceTable } from './logsource.js';
import { ruleNeeds } from './needs.js';

const TABLE: LogsourceTable = {
  products: { windows: [{ module: ['Hostlog'] }], acme: [{ module: ['Hostlog'] }] },
  services: {},
  categories: {},
};

// Copies the event data of each Windows event whole; its tests show one key only.
const copier = makeIntake({
  name: 'Hostlog Forwarder',
  module: 'Hostlog',
  fields: ['action.properties.ShownKey', 'event.code'],
  sources: { 'action.properties': ['ev.message.Event.EventData'], 'event.code': ['ev.message.Event.System.EventID'] },
  externals: { ev: 'json.parse-json' },
});
// Copies the whole raw record (not an object named event data).
const record = makeIntake({
  name: 'Hostlog Records',
  module: 'Hostlog',
  fields: ['action.properties.ShownKey', 'event.code'],
  sources: { 'action.properties': ['ev.message'] },
  externals: { ev: 'json.parse-json' },
});
// Picks single keys of the event data.
const picker = makeIntake({
  name: 'Hostlog Picker',
  module: 'Hostlog',
  fields: ['action.properties.ShownKey', 'event.code'],
  sources: { 'action.properties.ShownKey': ['ev.message.event_data.ShownKey'] },
  externals: { ev: 'json.parse-json' },
});

function rule(logsource: string, field: string): Rule {
  return ruleFromYaml(
    `title: T\nid: x\nlogsource: ${logsource}\ndetection:\n  sel:\n    ${field}|contains: x\n  condition: sel\n`,
  );
}

const security = '{product: windows, service: security}';

describe('Windows event data copied whole', () => {
  it('is recognised from the copied object named event data, not from any object copied into action.properties', () => {
    expect(eventDataCopy(copier)).toBe('ev.message.Event.EventData');
    expect(eventDataCopy(record)).toBeUndefined();
    expect(eventDataCopy(picker)).toBeUndefined();
  });

  it('is read by Windows rules of event-log events, for plain names that are not System values', () => {
    const win = { product: 'windows', service: 'security' };
    expect(readsEventData(win, 'TaskContent')).toBe(true);
    expect(readsEventData({ product: 'windows', category: 'ps_script' }, 'ScriptBlockText')).toBe(true);
    expect(readsEventData({ product: 'windows', category: 'process_creation' }, 'ParentUser')).toBe(true);
    // System values, dotted names, other products, categories that are no event-log events.
    expect(readsEventData(win, 'EventID')).toBe(false);
    expect(readsEventData(win, 'Channel')).toBe(false);
    expect(readsEventData(win, 'Provider_Name')).toBe(false);
    expect(readsEventData(win, 'a.b')).toBe(false);
    expect(readsEventData({ product: 'acme', service: 'security' }, 'TaskContent')).toBe(false);
    expect(readsEventData({ product: 'windows', category: 'file_rename' }, 'SourceFilename')).toBe(false);
    expect(readsEventData({ product: 'windows', category: 'antivirus' }, 'Signature')).toBe(false);
    expect(readsEventData({ product: 'windows' }, 'TaskContent')).toBe(false);
  });

  it('gives the key below action.properties, with the raw path it is copied from', () => {
    expect(eventDataName(copier, { product: 'windows', service: 'security' }, 'TaskContent')).toEqual({
      raw: 'ev.message.Event.EventData.TaskContent',
      target: 'action.properties.TaskContent',
    });
    expect(eventDataName(record, { product: 'windows', service: 'security' }, 'TaskContent')).toBeUndefined();
  });

  it('makes the rule apply on the copying intake only, in the one-pair and the whole-catalog forms alike', () => {
    const all = [copier, record, picker];
    const cases: [string, string, boolean[]][] = [
      [security, 'TaskContent', [true, false, false]],
      [security, 'ShownKey', [true, true, true]],
      // A System value is never read in event data.
      [security, 'Channel', [false, false, false]],
      // Another product's rule (its log source fits by module here) reads nothing there.
      ['{product: acme, service: security}', 'TaskContent', [false, false, false]],
      ['{product: windows, category: file_rename}', 'SourceFilename', [false, false, false]],
    ];
    for (const [logsource, field, expected] of cases) {
      const r = rule(logsource, field);
      const context = { logsource: r.logsource, features: ALL_FEATURES, table: TABLE };
      const bits = ruleCanMatch(bitsetLattice(indexIntakes(all), context), ruleNeeds(r), 'default');
      const ones = all.map((intake) => ruleCanMatch(booleanLattice(intake, context), ruleNeeds(r), 'default'));
      expect(
        all.map((_, i) => hasBit(bits, i)),
        `${logsource} ${field}`,
      ).toEqual(expected);
      expect(ones, `${logsource} ${field}`).toEqual(expected);
    }
  });

  it('needs the log source to fit and parser-derived names to be on', () => {
    const r = rule(security, 'TaskContent');
    const need = { source: 'TaskContent', names: ['TaskContent'] };
    expect(carriers(copier, need, true, r.logsource)).toEqual(['action.properties.TaskContent']);
    expect(carriers(copier, need, false, r.logsource)).toEqual([]);
    expect(carriers(copier, need, true)).toEqual([]);
    const other = { products: { windows: [{ module: ['Elsewhere'] }] }, services: {}, categories: {} };
    const context = { logsource: r.logsource, features: ALL_FEATURES, table: other };
    expect(ruleCanMatch(booleanLattice(copier, context), ruleNeeds(r), 'default')).toBe(false);
  });

  it('is shown by explain as read in the copied event data', () => {
    const r = rule(security, 'TaskContent');
    const e = explainPair(r, copier, buildCatalog([r], [copier], []), { mode: 'default', table: TABLE });
    expect(e.applies).toBe(true);
    const field = e.identifiers[0].alternatives[0].tests[0].fields[0];
    expect(field.derived).toEqual([
      { raw: 'ev.message.Event.EventData.TaskContent', target: 'action.properties.TaskContent', how: 'eventdata' },
    ]);
    expect(field.producers[0].copies[0].raw).toBe('ev.message.Event.EventData.TaskContent');
  });
});

const intakeFormats = haveShared('data', 'intake-formats', 'Beats', 'winlogbeat');

describe.skipIf(!intakeFormats)('the real intakes', () => {
  it('Winlogbeat and Azure Windows copy Windows event data whole; the Windows intake copies its whole record', () => {
    const { intakes } = readIntakes(
      [
        shared('data', 'intake-formats', 'Beats'),
        shared('data', 'intake-formats', 'Azure'),
        shared('data', 'intake-formats', 'Windows'),
      ],
      { platformFields: [] },
    );
    const copying = intakes
      .filter((i) => eventDataCopy(i) !== undefined)
      .map((i) => i.name)
      .sort();
    expect(copying).toEqual(['Azure Windows', 'Elastic Winlogbeat']);
  });
});
