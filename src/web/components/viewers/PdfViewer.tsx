// Shows a PDF page by page with pdf.js: Previous/Next, "Page N of M", zoom. Everything comes from
// our own origin (the library, its worker, CMaps, fonts and image decoders under /pdfjs/), so
// it works under our CSP (script-src 'self'; workers from 'self'; no eval, no blob: workers).
import { Alert, Button, Group, Stack, Text, VisuallyHidden } from '@mantine/core';
import type { PDFDocumentLoadingTask, PDFDocumentProxy, RenderTask } from 'pdfjs-dist';
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url';
import { useEffect, useId, useRef, useState } from 'react';
import { Loading } from '../Loading.tsx';

/** pdf.js's data files, copied into the build by vite.config.ts. */
const PDFJS_BASE = '/pdfjs/';
const MIN_SCALE = 0.25;
const MAX_SCALE = 4;
const ZOOM_STEP = 1.25;

type PdfJs = typeof import('pdfjs-dist');
let pdfjsPromise: Promise<PdfJs> | null = null;

function loadPdfJs(): Promise<PdfJs> {
  if (!pdfjsPromise) {
    pdfjsPromise = import('pdfjs-dist').then((pdfjs) => {
      pdfjs.GlobalWorkerOptions.workerSrc = workerUrl;
      return pdfjs;
    });
    pdfjsPromise.catch(() => {
      pdfjsPromise = null;
    });
  }
  return pdfjsPromise;
}

function loadErrorMessage(pdfjs: PdfJs | null, error: unknown): string {
  if (pdfjs && error instanceof pdfjs.PasswordException) {
    return 'This PDF is protected by a password. Download it to open it.';
  }
  if (pdfjs && error instanceof pdfjs.InvalidPDFException) {
    return 'This file is not a valid PDF, or it is damaged. Download it to try another program.';
  }
  if (pdfjs && error instanceof pdfjs.ResponseException) {
    return `The PDF could not be loaded (status ${error.status}). Reload the page to try again.`;
  }
  return 'The PDF could not be shown. Download it to open it.';
}

interface PdfViewerProps {
  /** Where the PDF is; or its bytes in `data` (a PDF made for the page, such as a certificate preview). */
  url?: string;
  data?: Uint8Array;
  /** Gives the page's text as the canvas's description (for a PDF a screen reader cannot otherwise read). */
  describeWithText?: boolean;
  /** The file's name, for the pages' text alternatives ("Page 2 of report.pdf"). */
  name: string;
  /** The page to open at (the course player resumes where the learner was). */
  initialPage?: number;
  /** Called once each page has been drawn on screen (the course player counts pages seen). */
  onPageShown?: (page: number, pageCount: number) => void;
}

export function PdfViewer({ url, data, describeWithText, name, initialPage, onPageShown }: PdfViewerProps) {
  const onPageShownRef = useRef(onPageShown);
  onPageShownRef.current = onPageShown;
  const initialPageRef = useRef(initialPage);
  initialPageRef.current = initialPage;
  const [doc, setDoc] = useState<PDFDocumentProxy | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pageNumber, setPageNumber] = useState(1);
  /** null: fit the page to the width of the viewer. */
  const [zoom, setZoom] = useState<number | null>(null);
  const [shownScale, setShownScale] = useState<number | null>(null);
  const [renderError, setRenderError] = useState<string | null>(null);
  const [width, setWidth] = useState(0);
  const [scroller, setScroller] = useState<HTMLElement | null>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [pageText, setPageText] = useState<string | null>(null);
  const textId = useId();

  // Load the document.
  useEffect(() => {
    let cancelled = false;
    let task: PDFDocumentLoadingTask | null = null;
    let pdfjs: PdfJs | null = null;
    // New bytes of the same document (a preview updated) keep the old page on screen until they load.
    if (!data) setDoc(null);
    setError(null);
    setPageNumber(1);
    (async () => {
      try {
        pdfjs = await loadPdfJs();
        if (cancelled) return;
        task = pdfjs.getDocument({
          // pdf.js hands the bytes to its worker (detaching them): it gets a copy.
          ...(data ? { data: data.slice() } : { url }),
          cMapUrl: `${PDFJS_BASE}cmaps/`,
          cMapPacked: true,
          standardFontDataUrl: `${PDFJS_BASE}standard_fonts/`,
          wasmUrl: `${PDFJS_BASE}wasm/`,
          // Our CSP gives workers no 'wasm-unsafe-eval': use the JavaScript decoders directly.
          useWasm: false,
          enableXfa: false,
        });
        const loaded = await task.promise;
        if (cancelled) return;
        setPageNumber(Math.min(loaded.numPages, Math.max(1, Math.round(initialPageRef.current ?? 1))));
        setDoc(loaded);
      } catch (err) {
        if (!cancelled) setError(loadErrorMessage(pdfjs, err));
      }
    })();
    return () => {
      cancelled = true;
      void task?.destroy();
    };
  }, [url, data]);

  // The available width, for "fit to width".
  useEffect(() => {
    if (!scroller) return;
    const measure = () => setWidth(scroller.clientWidth);
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(scroller);
    return () => observer.disconnect();
  }, [scroller]);

  // Render the current page whenever it, the zoom or the width changes.
  useEffect(() => {
    const canvas = canvasRef.current;
    // A width this small is a passing layout state (or a hidden viewer): keep what is shown.
    if (!doc || !canvas || width < 100) return;
    let cancelled = false;
    let renderTask: RenderTask | null = null;
    setRenderError(null);
    (async () => {
      try {
        const page = await doc.getPage(pageNumber);
        if (cancelled) return;
        const natural = page.getViewport({ scale: 1 });
        // Fit: the page's width minus the scroller's padding, at most 150%.
        const scale = zoom ?? Math.max(MIN_SCALE, Math.min(1.5, (width - 24) / natural.width));
        const viewport = page.getViewport({ scale });
        const ratio = window.devicePixelRatio || 1;
        canvas.width = Math.floor(viewport.width * ratio);
        canvas.height = Math.floor(viewport.height * ratio);
        canvas.style.width = `${Math.floor(viewport.width)}px`;
        canvas.style.height = `${Math.floor(viewport.height)}px`;
        renderTask = page.render({
          canvas,
          viewport,
          transform: ratio !== 1 ? [ratio, 0, 0, ratio, 0, 0] : undefined,
        });
        await renderTask.promise;
        if (describeWithText && !cancelled) {
          const text = await page.getTextContent();
          if (!cancelled) setPageText(text.items.map((item) => ('str' in item ? item.str : '')).join(' '));
        }
        if (!cancelled) {
          setShownScale(scale);
          onPageShownRef.current?.(pageNumber, doc.numPages);
        }
      } catch (err) {
        if (cancelled || (err instanceof Error && err.name === 'RenderingCancelledException')) return;
        setRenderError(`Page ${pageNumber} could not be drawn.`);
      }
    })();
    return () => {
      cancelled = true;
      renderTask?.cancel();
    };
  }, [doc, pageNumber, zoom, width, describeWithText]);

  if (error) {
    return (
      <Alert color="red" variant="light" title="The PDF could not be shown">
        {error}
      </Alert>
    );
  }
  if (!doc) {
    return <Loading>Loading the PDF…</Loading>;
  }

  const pages = doc.numPages;
  const current = shownScale ?? zoom ?? 1;
  const goTo = (page: number) => {
    setPageNumber(Math.min(pages, Math.max(1, page)));
    scroller?.scrollTo({ top: 0 });
  };
  const zoomTo = (scale: number) => setZoom(Math.min(MAX_SCALE, Math.max(MIN_SCALE, scale)));

  return (
    <Stack gap="sm">
      <Group justify="space-between" gap="sm">
        <Group gap="xs" wrap="nowrap">
          {/* aria-disabled, not disabled: a button that vanishes from the tab order would drop focus. */}
          <Button
            size="xs"
            variant="default"
            aria-disabled={pageNumber <= 1 || undefined}
            data-disabled={pageNumber <= 1 || undefined}
            onClick={() => pageNumber > 1 && goTo(pageNumber - 1)}
          >
            Previous page
          </Button>
          <Text role="status" size="sm" fw={500} miw="5.5rem" ta="center" className="nowrap">
            Page {pageNumber} of {pages}
          </Text>
          <Button
            size="xs"
            variant="default"
            aria-disabled={pageNumber >= pages || undefined}
            data-disabled={pageNumber >= pages || undefined}
            onClick={() => pageNumber < pages && goTo(pageNumber + 1)}
          >
            Next page
          </Button>
        </Group>
        {/* Wraps in a narrow box (a preview beside a form, a phone). */}
        <Group gap="xs">
          <Button size="xs" variant="default" onClick={() => zoomTo(current / ZOOM_STEP)}>
            Zoom out
          </Button>
          <Text size="sm" miw="3.5rem" ta="center" aria-label={`Zoom ${Math.round(current * 100)}%`}>
            {Math.round(current * 100)}%
          </Text>
          <Button size="xs" variant="default" onClick={() => zoomTo(current * ZOOM_STEP)}>
            Zoom in
          </Button>
          <Button size="xs" variant="subtle" onClick={() => setZoom(null)}>
            Fit to width
          </Button>
        </Group>
      </Group>
      {renderError && (
        <Text c="red.9" size="sm">
          {renderError}
        </Text>
      )}
      <section
        ref={setScroller}
        className="pdf-scroller"
        // biome-ignore lint/a11y/noNoninteractiveTabindex: scrollable when zoomed in, so keyboard users must reach it
        tabIndex={0}
        aria-label={`Pages of ${name}`}
        onKeyDown={(event) => {
          if (event.key === 'PageDown' && event.currentTarget.scrollHeight <= event.currentTarget.clientHeight) {
            goTo(pageNumber + 1);
          } else if (event.key === 'PageUp' && event.currentTarget.scrollHeight <= event.currentTarget.clientHeight) {
            goTo(pageNumber - 1);
          }
        }}
      >
        <canvas
          ref={canvasRef}
          className="pdf-page"
          role="img"
          aria-label={`Page ${pageNumber} of ${name}`}
          aria-describedby={describeWithText && pageText !== null ? textId : undefined}
        />
      </section>
      {describeWithText && pageText !== null && <VisuallyHidden id={textId}>{pageText}</VisuallyHidden>}
    </Stack>
  );
}
