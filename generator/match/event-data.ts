/**
 * Windows event data copied whole. A Windows event is a `System` part (the
 * event id, the channel, the provider, the computer...) and an `EventData`
 * part holding the event's own named values (`TaskContent` of a scheduled
 * task's creation, `TicketEncryptionType` of a Kerberos ticket request,
 * `ScriptBlockText` of a PowerShell script block). Some parsers copy that
 * part whole into `action.properties`
 * (`action.properties: "{{json.event.winlog.event_data}}"`): the intake then
 * carries every event-data value of every Windows event it forwards, whether
 * or not its tests happen to show that key.
 *
 * Sigma's Windows rules name event-data values directly (`TaskContent`), and
 * the rule's log source says which events it reads. So, when a rule of
 * `product: windows` whose events are event-log events (a `service:`, or a
 * category Sysmon or PowerShell logs) fits such an intake (the log-source
 * evidence already says the intake forwards those events), a plain field
 * name of the rule that is not a `System` value is read in the copied event
 * data:
 * `action.properties.<field>`. Nothing else is assumed: other products, dotted
 * names, `System` values and intakes copying anything other than an object
 * named event data (the whole raw event, a vendor record) are left to the
 * fields the intake shows.
 */
import type { Intake } from '../model/intake.js';
import type { LogSource } from '../model/rule.js';

/** Where the event data is copied to. */
export const EVENT_DATA_TARGET = 'action.properties';

/** The raw object's last segment, compared without case, `_` or `-`: `EventData`, `event_data`. */
const EVENT_DATA = 'eventdata';

/**
 * Values of an event's `System` part, as Sigma's Windows rules name them: not
 * event data, so never read there.
 */
const SYSTEM = new Set(
  [
    'EventID',
    'Provider_Name',
    'Provider',
    'Guid',
    'Channel',
    'Computer',
    'Level',
    'Task',
    'Opcode',
    'Keywords',
    'Version',
    'EventRecordID',
    'TimeCreated',
    'Correlation',
    'Execution',
    'Security',
    'UserID',
    'ThreadID',
  ].map((s) => s.toLowerCase()),
);

/**
 * Categories of Windows rules whose events are Windows event-log events with
 * event data: Sysmon's events (process creation is its event 1, network
 * connections 3, image loads 7...) and PowerShell's. A rule of `service:`
 * reads a channel of the event log, so always qualifies. Other categories
 * (`file_rename`, `file_access`: kernel tracing seen by EDRs; `antivirus`:
 * alerts) are not event-log events, so their fields are never assumed there.
 */
const EVENT_LOG_CATEGORIES = new Set([
  'process_creation',
  'file_change',
  'network_connection',
  'sysmon_status',
  'process_termination',
  'driver_load',
  'image_load',
  'create_remote_thread',
  'raw_access_thread',
  'process_access',
  'file_event',
  'registry_add',
  'registry_delete',
  'registry_set',
  'registry_rename',
  'registry_event',
  'create_stream_hash',
  'pipe_created',
  'wmi_event',
  'dns_query',
  'file_delete',
  'file_delete_detected',
  'clipboard_change',
  'process_tampering',
  'file_block_executable',
  'file_block_shredding',
  'file_executable_detected',
  'sysmon_error',
  'ps_module',
  'ps_script',
  'ps_classic_start',
  'ps_classic_provider_start',
  'ps_classic_script',
]);

/** A plain event-data name: one identifier, no dots, no spaces. */
const PLAIN = /^[A-Za-z][A-Za-z0-9_]*$/;

const copyCache = new WeakMap<Intake, string | null>();

/** The raw path of the Windows event data the intake's parser copies whole into `action.properties`, if any. */
export function eventDataCopy(intake: Intake): string | undefined {
  let known = copyCache.get(intake);
  if (known === undefined) {
    known = null;
    for (const raw of intake.sources.get(EVENT_DATA_TARGET) ?? []) {
      const parts = raw.split('.');
      if (parts.length > 1 && parts[parts.length - 1].toLowerCase().replace(/[_-]/g, '') === EVENT_DATA) {
        known = raw;
        break;
      }
    }
    copyCache.set(intake, known);
  }
  return known ?? undefined;
}

/** Whether a rule of this log source reads this field in a Windows event's event data. */
export function readsEventData(logsource: LogSource, field: string): boolean {
  if (logsource.product !== 'windows' || !PLAIN.test(field) || SYSTEM.has(field.toLowerCase())) return false;
  return (
    logsource.service !== undefined ||
    (logsource.category !== undefined && EVENT_LOG_CATEGORIES.has(logsource.category))
  );
}

/**
 * The copied event-data field standing for a rule field on this intake, with
 * the raw path it comes from, when the rule reads its field in Windows event
 * data and the intake copies that data whole (see the module comment). The
 * caller decides that the rule's log source fits the intake.
 */
export function eventDataName(
  intake: Intake,
  logsource: LogSource,
  field: string,
): { raw: string; target: string } | undefined {
  if (!readsEventData(logsource, field)) return undefined;
  const raw = eventDataCopy(intake);
  if (raw === undefined) return undefined;
  return { raw: `${raw}.${field}`, target: `${EVENT_DATA_TARGET}.${field}` };
}
