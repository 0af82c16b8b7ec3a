/**
 * Human-readable sizes, rates, dates and durations.
 */

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/**
 * A byte count as `317.0 KiB`: powers of 1024 and one decimal, as the
 * command line (`cta-data`) and the library's sizes (`find`'s `10K`) count.
 */
export function formatSize(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !isFinite(bytes) || bytes < 0) {
    return '';
  }
  if (bytes < 1024) {
    return `${Math.round(bytes)} B`;
  }
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${UNITS[unit]}`;
}

/**
 * A rate in bytes per second as `12.0 MiB/s`.
 */
export function formatRate(rate: number | null | undefined): string {
  if (!rate || !isFinite(rate) || rate <= 0) {
    return '';
  }
  return `${formatSize(Math.round(rate))}/s`;
}

const dateFormat = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit'
});

const fullDateFormat = new Intl.DateTimeFormat(undefined, {
  dateStyle: 'full',
  timeStyle: 'long'
});

/**
 * An ISO 8601 date as a short local date and time; `''` when unknown.
 */
export function formatDate(iso: string | null | undefined): string {
  const time = iso ? Date.parse(iso) : NaN;
  return isNaN(time) ? '' : dateFormat.format(time);
}

/**
 * An ISO 8601 date in full, for tooltips.
 */
export function formatFullDate(iso: string | null | undefined): string {
  const time = iso ? Date.parse(iso) : NaN;
  return isNaN(time) ? '' : fullDateFormat.format(time);
}

/**
 * Seconds as `1 h 02 min`, `3 min 05 s` or `42 s`.
 */
export function formatDuration(seconds: number): string {
  if (!isFinite(seconds) || seconds < 0) {
    return '';
  }
  const s = Math.round(seconds);
  if (s < 60) {
    return `${s} s`;
  }
  if (s < 3600) {
    return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  }
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}
