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
/** Formats a valid instant; an invalid one (a damaged record) is shown as '' rather than failing the page. */
const safely = (f: Intl.DateTimeFormat, at: Instant) => {
  const d = toDate(at);
  return Number.isFinite(d.getTime()) ? f.format(d) : '';
};

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
function parts(ms: number, zone: string): Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', string> {
  const out: Record<string, string> = {};
  for (const p of formatter('parts', zone, 'en-US', { ...numericDay, ...clock, second: '2-digit' }).formatToParts(ms)) out[p.type] = p.value;
  return out as Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', string>;
}

// formatToParts costs tens of microseconds, too slow for the audit log or the
// dashboard that turn every record's instant into a day. A zone's offset from
// UTC changes only at its transitions (at most a few a year): the offset is
// worked out once per UTC day and zone, and exactly per instant only on a day
// whose offset at its start and its end differ.
const DAY = 86_400_000;
const offsets = new Map<string, Map<number, number | null>>();
/** The zone's offset from UTC at `ms` (milliseconds), from its wall clock. */
function offsetFromParts(ms: number, zone: string): number {
  const whole = ms - (((ms % 1000) + 1000) % 1000);
  const p = parts(whole, zone);
  return Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second)) - whole;
}
function offsetAt(ms: number, zone: string): number {
  let byDay = offsets.get(zone);
  if (!byDay) offsets.set(zone, (byDay = new Map()));
  const d = Math.floor(ms / DAY);
  let off = byDay.get(d);
  if (off === undefined) {
    if (byDay.size > 100_000) byDay.clear();
    const start = offsetFromParts(d * DAY, zone);
    off = start === offsetFromParts((d + 1) * DAY - 1000, zone) ? start : null;
    byDay.set(d, off);
  }
  return off ?? offsetFromParts(ms, zone);
}

/** The wall-clock time of an instant in a zone as YYYY-MM-DDTHH:mm:ss ('' for an invalid instant). */
function wallClock(at: Instant, zone: string): string {
  const ms = toDate(at).getTime();
  if (!Number.isFinite(ms)) return '';
  return new Date(ms + offsetAt(ms, zone)).toISOString().slice(0, 19);
}

/** The calendar day of an instant in the organisation's zone, YYYY-MM-DD: for comparisons, CSV cells and file names. */
export const localDay = (at: Instant, zone = orgZone) => wallClock(at, zone).slice(0, 10);

/** The month of an instant in the organisation's zone, YYYY-MM (the HR months chart). */
export const localMonth = (at: Instant, zone = orgZone) => wallClock(at, zone).slice(0, 7);

/** Date and time to the second in the organisation's zone, YYYY-MM-DD HH:mm:ss (the audit log and its CSV). */
export const localTimestamp = (at: Instant, zone = orgZone) => wallClock(at, zone).replace('T', ' ');

/** A date for people: 2026/12/2. */
export const formatDate = (at: Instant, zone = orgZone) => safely(formatter('date', zone, 'zh-CN', { year: 'numeric', month: 'numeric', day: 'numeric' }), at);

/** A date in words, for certificates: 2026年12月2日. */
export const formatDateLong = (at: Instant, zone = orgZone) => safely(formatter('long', zone, 'zh-CN', { year: 'numeric', month: 'long', day: 'numeric' }), at);

/** Date and time for people: 2026/12/2 01:36. */
export const formatDateTime = (at: Instant, zone = orgZone) => safely(formatter('datetime', zone, 'zh-CN', { year: 'numeric', month: 'numeric', day: 'numeric', ...clock }), at);

/** Month, day and time, for recent activity: 12/2 01:36. */
export const formatMonthDayTime = (at: Instant, zone = orgZone) => safely(formatter('mdtime', zone, 'zh-CN', { month: 'numeric', day: 'numeric', ...clock }), at);

/** A time of day: 01:36. */
export const formatTime = (at: Instant, zone = orgZone) => safely(formatter('time', zone, 'zh-CN', clock), at);
