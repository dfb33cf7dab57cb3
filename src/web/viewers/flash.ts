// The Flash viewer frame (/viewers/flash.html?asset=<id>&name=<file name>): plays the asset's SWF with
// Ruffle, self-hosted under /ruffle/. The movie may not run scripts in the page, reach the network
// or open links. Tells the framing page how it went (postMessage, same origin only).
import './flash.css';

const RUFFLE_BASE = '/ruffle/';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Nothing leaves the player. */
const RUFFLE_CONFIG = {
  publicPath: RUFFLE_BASE,
  polyfills: false,
  autoplay: 'on',
  unmuteOverlay: 'hidden',
  allowScriptAccess: false,
  allowNetworking: 'none',
  openUrlMode: 'deny',
  upgradeToHttps: true,
  showSwfDownload: false,
};

interface RufflePlayerElement extends HTMLElement {
  ruffle(version?: number): { load(options: { url: string } & Record<string, unknown>): Promise<void> };
}

interface RuffleGlobal {
  config?: Record<string, unknown>;
  newest?: () => { createPlayer(): RufflePlayerElement } | null;
}

declare global {
  interface Window {
    RufflePlayer?: RuffleGlobal;
  }
}

/** What the framing page hears: `{ type: 'lectern:flash', status: 'playing' | 'error', message? }`. */
export type FlashFrameMessage =
  | { type: 'lectern:flash'; status: 'playing' }
  | { type: 'lectern:flash'; status: 'error'; message: string };

function tell(message: FlashFrameMessage): void {
  if (window.parent !== window) window.parent.postMessage(message, window.location.origin);
}

function fail(text: string): void {
  const element = document.getElementById('message');
  if (element) element.textContent = text;
  tell({ type: 'lectern:flash', status: 'error', message: text });
}

function loadScript(src: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = src;
    script.onload = () => resolve();
    script.onerror = () => reject(new Error('The Flash player could not be loaded.'));
    document.head.append(script);
  });
}

// Ruffle takes every key while the movie has focus, Tab included, which would trap keyboard users
// in the movie. Tab and Shift+Tab are kept from it (registered before Ruffle, at the earliest
// point), so they move focus on as usual.
window.addEventListener(
  'keydown',
  (event) => {
    if (event.key === 'Tab') event.stopImmediatePropagation();
  },
  true,
);
window.addEventListener(
  'keyup',
  (event) => {
    if (event.key === 'Tab') event.stopImmediatePropagation();
  },
  true,
);

async function main(): Promise<void> {
  const params = new URLSearchParams(window.location.search);
  const id = params.get('asset') ?? '';
  const name = params.get('name') ?? '';
  if (!UUID.test(id)) {
    fail('No Flash file was given.');
    return;
  }
  if (name) document.title = `Flash player: ${name}`;
  const stage = document.getElementById('stage');
  if (!stage) return;
  if (name) stage.setAttribute('aria-label', `Flash player: ${name}`);

  window.RufflePlayer = { ...window.RufflePlayer, config: { ...RUFFLE_CONFIG } };
  await loadScript(`${RUFFLE_BASE}ruffle.js`);
  const source = window.RufflePlayer?.newest?.();
  if (!source) throw new Error('The Flash player did not start.');
  const player = source.createPlayer();
  const label = name ? `Flash movie: ${name}` : 'Flash movie';
  player.setAttribute('aria-label', label);
  const shadow = player.shadowRoot;
  // Ruffle's hidden text field for on-screen keyboards is aria-hidden yet reachable with Tab:
  // Ruffle focuses it itself when needed, so it leaves the tab order.
  shadow?.getElementById('virtual-keyboard')?.setAttribute('tabindex', '-1');
  // Ruffle's stage (which receives the keys when focused) takes focus only from a click: keyboard
  // users reach it with Tab. "application": the movie, not the screen reader, handles the keys there.
  // Ruffle sets its tabindex to -1 when the movie starts: keep it at 0.
  const container = shadow?.getElementById('container');
  if (container) {
    const reachable = () => {
      if (container.getAttribute('tabindex') !== '0') container.setAttribute('tabindex', '0');
    };
    container.setAttribute('role', 'application');
    container.setAttribute('aria-label', label);
    reachable();
    new MutationObserver(reachable).observe(container, { attributes: true, attributeFilter: ['tabindex'] });
  }
  stage.append(player);
  await player.ruffle().load({ ...RUFFLE_CONFIG, url: `/api/assets/${id}/original` });
  tell({ type: 'lectern:flash', status: 'playing' });
}

main().catch((error: unknown) => {
  fail(error instanceof Error ? error.message : 'The Flash movie could not be played.');
});
