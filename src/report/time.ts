import type { Lang } from '../i18n/index.js';

/** How the reader sees the report: their language, and the zone its times are written in. */
export interface ReportView {
  lang: Lang;
  /** IANA zone; default Asia/Tokyo for Japanese readers, UTC otherwise */
  timeZone?: string;
}

export function zoneOf(view: ReportView): string {
  return view.timeZone ?? (view.lang === 'ja' ? 'Asia/Tokyo' : 'UTC');
}

/** Names readers know; any other zone is written as its offset from UTC. */
const ZONE_NAMES: Record<string, string> = { 'Asia/Tokyo': 'JST', UTC: 'UTC', 'Etc/UTC': 'UTC' };

/** `2026-12-03 13:22:06 JST`: an ISO instant in the reader's zone, with the zone said. */
export function formatTime(iso: string, view: ReportView): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const zone = zoneOf(view);
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(date)
      .map((p) => [p.type, p.value]),
  ) as Record<string, string>;
  const local = `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
  return `${local} ${ZONE_NAMES[zone] ?? offsetName(date, local)}`;
}

function offsetName(date: Date, local: string): string {
  const asUtc = Date.parse(`${local.replace(' ', 'T')}Z`);
  const minutes = Math.round((asUtc - Math.floor(date.getTime() / 1000) * 1000) / 60_000);
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `UTC${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}
