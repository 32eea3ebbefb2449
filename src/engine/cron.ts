// The cron expressions of DeploymentWindow rules (AWS's Quartz-like form:
// "seconds minutes hours day-of-month month day-of-week [year]"), matched per minute in a time zone.
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

export class CronError extends Error {}

type FieldSet = Set<number> | 'any';

function parseField(text: string, min: number, max: number, names: string[] = [], nameBase = 1): FieldSet {
  if (text === '*' || text === '?') return 'any';
  const out = new Set<number>();
  const value = (v: string) => {
    const i = names.indexOf(v.toUpperCase());
    const n = i >= 0 ? i + nameBase : Number(v);
    if (!Number.isInteger(n) || n < min || n > max) throw new CronError(`Invalid value '${v}' in cron field '${text}'`);
    return n;
  };
  for (const part of text.split(',')) {
    const [range, stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw new CronError(`Invalid step in cron field '${text}'`);
    let lo: number;
    let hi: number;
    if (range === '*') [lo, hi] = [min, max];
    else if (range.includes('-')) [lo, hi] = range.split('-').map(value) as [number, number];
    else [lo, hi] = [value(range), stepText === undefined ? value(range) : max];
    for (let v = lo; v <= hi; v += step) out.add(v);
  }
  return out;
}

const has = (f: FieldSet, v: number) => f === 'any' || f.has(v);

export interface Cron {
  minutes: FieldSet;
  hours: FieldSet;
  daysOfMonth: FieldSet;
  months: FieldSet;
  daysOfWeek: FieldSet;
  years: FieldSet;
}

export function parseCron(expr: string): Cron {
  const f = expr.trim().split(/\s+/);
  if (f.length < 6 || f.length > 7) throw new CronError(`Cron expression '${expr}' must have 6 or 7 fields`);
  if (/[LW#]/i.test(f.slice(3, 6).join(' ').replace(/[A-Z]{3}/gi, (m) => (MONTHS.includes(m.toUpperCase()) || DAYS.includes(m.toUpperCase()) ? '' : m))))
    throw new CronError(`Cron expression '${expr}' uses L, W or # which codepipeline-local does not evaluate`);
  // AWS allows only '*' in the seconds field: windows are matched per minute.
  if (f[0] !== '*' && f[0] !== '0') throw new CronError(`The seconds field of cron expression '${expr}' must be '*'`);
  return {
    minutes: parseField(f[1], 0, 59),
    hours: parseField(f[2], 0, 23),
    daysOfMonth: parseField(f[3], 1, 31),
    months: parseField(f[4], 1, 12, MONTHS),
    daysOfWeek: parseField(f[5], 1, 7, DAYS),
    years: f[6] === undefined ? 'any' : parseField(f[6], 1970, 2199),
  };
}

interface LocalTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  weekday: number; // 1 = Sunday, as in AWS cron
}

function localTime(ms: number, timeZone: string): LocalTime {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    weekday: 'short',
  }).formatToParts(new Date(ms));
  const get = (t: string) => parts.find((p) => p.type === t)!.value;
  return {
    year: Number(get('year')),
    month: Number(get('month')),
    day: Number(get('day')),
    hour: Number(get('hour')),
    minute: Number(get('minute')),
    weekday: DAYS.indexOf(get('weekday').toUpperCase()) + 1,
  };
}

const dayMatches = (c: Cron, t: LocalTime) =>
  has(c.years, t.year) && has(c.months, t.month) && has(c.daysOfMonth, t.day) && has(c.daysOfWeek, t.weekday);

export function cronMatches(c: Cron, ms: number, timeZone: string): boolean {
  const t = localTime(ms, timeZone);
  return dayMatches(c, t) && has(c.hours, t.hour) && has(c.minutes, t.minute);
}

/** The start of the next matching minute at or after `from`, within a year; undefined if none. */
export function nextMatch(c: Cron, from: number, timeZone: string): number | undefined {
  const MINUTE = 60_000;
  let t = Math.ceil(from / MINUTE) * MINUTE;
  const end = from + 366 * 24 * 60 * MINUTE;
  while (t <= end) {
    const lt = localTime(t, timeZone);
    if (!dayMatches(c, lt)) t += (24 * 60 - (lt.hour * 60 + lt.minute)) * MINUTE;
    else if (!has(c.hours, lt.hour)) t += (60 - lt.minute) * MINUTE;
    else if (!has(c.minutes, lt.minute)) t += MINUTE;
    else return t;
  }
  return undefined;
}
