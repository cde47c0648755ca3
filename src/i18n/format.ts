// The one place that turns an instant into a date or time for people, in the
// organisation's time zone (ORG_TIME_ZONE, default Asia/Shanghai). Pages,
// exports, file names and business rules ("today", "this month", overdue)
// all read dates here, so two screens never disagree about which day it is.
// Runs in the browser too (islands): it reads no environment; the server sets
// the zone once at start-up (configureOrgTimeZone) and passes it to islands.

export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

let orgZone = DEFAULT_TIME_ZONE;

/** Whether `zone` is a time zone this runtime knows (an IANA name such as Asia/Shanghai, or UTC). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * Validates ORG_TIME_ZONE and makes it the organisation's zone; unset or
 * empty keeps the default. A bad value throws (start-up fails with the message).
 */
export function configureOrgTimeZone(raw: string | undefined): string {
  const zone = raw?.trim() || DEFAULT_TIME_ZONE;
  if (!isTimeZone(zone)) throw new Error(`ORG_TIME_ZONE "${raw}" is not a time zone: use an IANA name such as Asia/Shanghai, Asia/Hong_Kong or UTC`);
  orgZone = new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
  return orgZone;
}

/** The organisation's time zone (an IANA name). */
export const orgTimeZone = () => orgZone;

/** The zone in words for column headers: 北京时间 for China's zone, else its name. */
export function timeZoneLabel(zone = orgZone): string {
  return ['Asia/Shanghai', 'Asia/Chongqing', 'Asia/Chungking', 'Asia/Harbin', 'PRC'].includes(zone) ? '北京时间' : zone;
}

type Instant = string | number | Date;
const toDate = (at: Instant) => (at instanceof Date ? at : new Date(at));

// Intl.DateTimeFormat is slow to make and fast to use: one per (kind, zone).
const cache = new Map<string, Intl.DateTimeFormat>();
function formatter(kind: string, zone: string, locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${kind}|${zone}`;
  let f = cache.get(key);
  if (!f) cache.set(key, (f = new Intl.DateTimeFormat(locale, { ...options, timeZone: zone })));
  return f;
}

const numericDay: Intl.DateTimeFormatOptions = { year: 'numeric', month: '2-digit', day: '2-digit' };
const clock: Intl.DateTimeFormatOptions = { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };

/** The parts of an instant in a zone as numbers-as-strings (year, month, day, hour, minute, second). */
function parts(at: Instant, zone: string): Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', string> {
  const out: Record<string, string> = {};
  for (const p of formatter('parts', zone, 'en-US', { ...numericDay, ...clock, second: '2-digit' }).formatToParts(toDate(at))) out[p.type] = p.value;
  return out as Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', string>;
}

/** The calendar day of an instant in the organisation's zone, YYYY-MM-DD: for comparisons, CSV cells and file names. */
export function localDay(at: Instant, zone = orgZone): string {
  const p = parts(at, zone);
  return `${p.year}-${p.month}-${p.day}`;
}

/** The month of an instant in the organisation's zone, YYYY-MM (the HR months chart). */
export const localMonth = (at: Instant, zone = orgZone) => localDay(at, zone).slice(0, 7);

/** Date and time to the second in the organisation's zone, YYYY-MM-DD HH:mm:ss (the audit log and its CSV). */
export function localTimestamp(at: Instant, zone = orgZone): string {
  const p = parts(at, zone);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}

/** A date for people: 2026/12/2. */
export const formatDate = (at: Instant, zone = orgZone) => formatter('date', zone, 'zh-CN', { year: 'numeric', month: 'numeric', day: 'numeric' }).format(toDate(at));

/** A date in words, for certificates: 2026年12月2日. */
export const formatDateLong = (at: Instant, zone = orgZone) => formatter('long', zone, 'zh-CN', { year: 'numeric', month: 'long', day: 'numeric' }).format(toDate(at));

/** Date and time for people: 2026/12/2 01:36. */
export const formatDateTime = (at: Instant, zone = orgZone) => formatter('datetime', zone, 'zh-CN', { year: 'numeric', month: 'numeric', day: 'numeric', ...clock }).format(toDate(at));

/** Month, day and time, for recent activity: 12/2 01:36. */
export const formatMonthDayTime = (at: Instant, zone = orgZone) => formatter('mdtime', zone, 'zh-CN', { month: 'numeric', day: 'numeric', ...clock }).format(toDate(at));

/** A time of day: 01:36. */
export const formatTime = (at: Instant, zone = orgZone) => formatter('time', zone, 'zh-CN', clock).format(toDate(at));
