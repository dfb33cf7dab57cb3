// ffmpeg's `-progress pipe:1` output (key=value lines, in chunks that split lines anywhere) as a
// percentage of the input's duration, for the job's progress.

/**
 * Calls `progress` with 0–99, rising only, as `out_time_us` lines arrive; 100 is for the caller to
 * report once the result is stored. Without a known duration nothing is reported.
 */
export function ffmpegProgressParser(
  durationSeconds: number | null,
  progress?: (percent: number) => void,
): (chunk: string) => void {
  let pending = '';
  let last = -1;
  return (chunk) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      const [key, value] = line.trim().split('=');
      if (key !== 'out_time_us' || !progress || !durationSeconds || durationSeconds <= 0) continue;
      const done = Number(value) / 1e6;
      if (!Number.isFinite(done)) continue;
      const percent = Math.max(0, Math.min(99, Math.floor((done / durationSeconds) * 100)));
      if (percent > last) {
        last = percent;
        progress(percent);
      }
    }
  };
}
