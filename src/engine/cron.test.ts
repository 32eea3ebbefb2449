import { describe, expect, it } from 'vitest';
import { CronError, cronMatches, nextMatch, parseCron } from './cron.js';

describe('DeploymentWindow cron', () => {
  const weekdays9to17 = parseCron('0 0 9-17 ? * MON-FRI *');
  it('matches inside the window and not outside, in the given time zone', () => {
    // 2026-11-26 is a Thursday.
    expect(cronMatches(weekdays9to17, Date.UTC(2026, 10, 26, 10, 0), 'UTC')).toBe(true);
    expect(cronMatches(weekdays9to17, Date.UTC(2026, 10, 26, 10, 30), 'UTC')).toBe(false); // minute 0 only
    expect(cronMatches(weekdays9to17, Date.UTC(2026, 10, 26, 20, 0), 'UTC')).toBe(false);
    expect(cronMatches(weekdays9to17, Date.UTC(2026, 10, 28, 10, 0), 'UTC')).toBe(false); // Saturday
    // 10:00 in New York is 15:00 UTC in November.
    expect(cronMatches(weekdays9to17, Date.UTC(2026, 10, 26, 3, 0), 'America/New_York')).toBe(false);
    expect(cronMatches(parseCron('0 * 9-17 ? * MON-FRI'), Date.UTC(2026, 10, 26, 15, 7), 'America/New_York')).toBe(true);
  });

  it('finds the next window opening', () => {
    const everyMinute = parseCron('0 * 9-17 ? * MON-FRI');
    // Friday 2026-11-27 18:00 UTC -> Monday 2026-11-30 09:00 UTC.
    expect(nextMatch(everyMinute, Date.UTC(2026, 10, 27, 18, 0, 30), 'UTC')).toBe(Date.UTC(2026, 10, 30, 9, 0));
    expect(nextMatch(parseCron('0 */15 * * * ?'), Date.UTC(2026, 0, 1, 0, 1), 'UTC')).toBe(Date.UTC(2026, 0, 1, 0, 15));
    expect(nextMatch(parseCron('0 0 0 1 JAN ? 1999'), Date.UTC(2026, 0, 1), 'UTC')).toBeUndefined();
  });

  it('rejects malformed expressions and unsupported L/W/#', () => {
    expect(() => parseCron('* * *')).toThrow(CronError);
    expect(() => parseCron('0 61 * * * ?')).toThrow("Invalid value '61'");
    expect(() => parseCron('0 0 0 L * ?')).toThrow(CronError);
    expect(() => parseCron('0 0 0 ? * 6#3')).toThrow(CronError);
  });
});
