// The processor for each asset kind. Tool paths can be overridden (configuration, or tests taking the
// "tool not installed" path with a name that does not exist).
import type { AssetKind } from '../../../shared/assets.ts';
import { createAudioProcessor } from './audio.ts';
import { processCaptions } from './captions.ts';
import { processFlash } from './flash.ts';
import { processImage } from './image.ts';
import { createOfficeProcessor } from './office.ts';
import { createPdfProcessor } from './pdf.ts';
import type { ToolPaths } from './run-tool.ts';
import type { Processor } from './types.ts';
import { createVideoProcessor, type VideoProcessorOptions } from './video.ts';

export type { ToolPaths } from './run-tool.ts';
export { DEFAULT_TOOLS, runTool, ToolError, toolAvailable } from './run-tool.ts';
export type { DerivativeFile, ProcessInput, Processor, ProcessResult } from './types.ts';
export type { VideoProcessorOptions } from './video.ts';

const processOther: Processor = async () => ({ ok: true, derivatives: [], metadata: {} });

export function processorFor(kind: AssetKind, tools: Partial<ToolPaths> = {}, video: VideoProcessorOptions = {}): Processor {
  switch (kind) {
    case 'image':
      return processImage;
    case 'pdf':
      return createPdfProcessor(tools);
    case 'office':
      return createOfficeProcessor(tools);
    case 'flash':
      return processFlash;
    case 'audio':
      return createAudioProcessor(tools);
    case 'captions':
      return processCaptions;
    case 'video':
      return createVideoProcessor(tools, video);
    case 'other':
      return processOther;
  }
}
