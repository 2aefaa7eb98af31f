// aoai image PROMPT: generate (or edit) an image through the Responses API's image_generation tool;
// saves it and prints the saved path(s).
import { Option, type Command } from 'commander';
import type { CommandContext } from '../cli/context.ts';
import { collect, intInRange, responseId } from '../cli/parse.ts';
import { addNoLogOption } from '../cli/request-options.ts';
import { UsageError } from '../core/errors.ts';
import type { ImageOptions } from '../image/run-image.ts';
import { BACKGROUNDS, OUTPUT_FORMATS, QUALITIES, parseSize, type ImageToolFlags } from '../image/request.ts';

interface ImageValues {
  model?: string;
  imageDeployment?: string;
  size?: string;
  quality?: ImageToolFlags['quality'];
  format?: ImageToolFlags['format'];
  compression?: number;
  background?: ImageToolFlags['background'];
  partialImages?: number;
  edit?: string[];
  previous?: string;
  output?: string;
  force?: boolean;
  savePartials?: boolean;
  json?: boolean;
  raw?: boolean;
  preview?: boolean;
}

export function registerImage(program: Command, ctx: CommandContext): void {
  const command = program
    .command('image')
    .description('generate or edit an image; saves it and prints the saved path')
    .argument('[prompt...]', "what to draw; '-' or a pipe reads stdin");
  addNoLogOption(command)
    .option('-m, --model <deployment>', 'deployment of the model that calls the tool (default: $AZURE_OPENAI_DEPLOYMENT or profile deployment)')
    .option('--image-deployment <name>', 'image model deployment, sent as x-ms-oai-image-generation-deployment (default: $AZURE_OPENAI_IMAGE_DEPLOYMENT or profile image-deployment)')
    .option('--size <WxH>', 'image size: 1024x1024, 1536x1024, 1024x1536 or auto', parseSize)
    .addOption(new Option('--quality <level>', 'image quality').choices(QUALITIES))
    .addOption(new Option('--format <format>', 'file format (default png); sets the extension').choices(OUTPUT_FORMATS))
    .option('--compression <0-100>', 'jpeg/webp compression level, 0–100 (100: least compressed)', intInRange(0, 100))
    .addOption(new Option('--background <mode>', 'image background').choices(BACKGROUNDS))
    .option('--partial-images <n>', 'stream 1–3 partial images while it draws (turns streaming on)', intInRange(1, 3))
    .option('--edit <image>', 'an image to edit or combine: PATH, https:// URL, or file id (repeatable)', collect)
    .option('--previous <id>', 'continue from a stored response (multi-turn edits)', responseId)
    .option('-o, --output <path>', 'file to write, or directory (existing, or ending in /) for several images')
    .option('--force', 'overwrite existing files')
    .option('--save-partials', 'also save the partial images, next to the final one')
    .option('--json', 'print the response JSON, each base64 result replaced by the saved path')
    .option('--raw', 'with --json: keep the base64 results')
    .option('--preview', 'show the image in the terminal (default on kitty, iTerm2, WezTerm, sixel terminals)')
    .option('--no-preview', 'do not show the image in the terminal')
    .addHelpText(
      'after',
      `
stdout lists the saved file paths, one per line. AOAI_IMAGE_PROTOCOL=kitty|iterm|sixel|none overrides
the preview protocol. A text answer without an image exits 4.
Examples:
  aoai image -m gpt-4.1 --image-deployment gpt-image-1 "A gray tabby cat hugging an otter with an orange scarf"
  aoai image "a river made of white owl feathers" --partial-images 2 --preview
  aoai image "make it realistic" --previous resp_123
  aoai image "a gift basket with all these items" --edit image1.png --edit image2.png --edit file-abc
  aoai image "a lighthouse at dusk" --format webp -o pictures/ | xargs open`,
    )
    .action(async (prompt: string[], values: ImageValues, cmd: Command) => {
      const { runImage } = await import('../image/run-image.ts');
      await runImage(toImageOptions(prompt, values), ctx.factory(cmd));
    });
}

export function toImageOptions(prompt: string[], values: ImageValues): ImageOptions {
  if (values.raw && !values.json) throw new UsageError('--raw goes with --json (it keeps the base64 results in the JSON)');
  if (values.savePartials && values.partialImages === undefined) {
    throw new UsageError('--save-partials needs --partial-images N (1–3)');
  }
  return {
    prompt,
    model: values.model,
    imageDeployment: values.imageDeployment,
    previous: values.previous,
    tool: {
      size: values.size,
      quality: values.quality,
      format: values.format,
      compression: values.compression,
      background: values.background,
      partialImages: values.partialImages,
    },
    edits: values.edit ?? [],
    output: values.output,
    force: Boolean(values.force),
    savePartials: Boolean(values.savePartials),
    json: Boolean(values.json),
    raw: Boolean(values.raw),
    preview: values.preview,
  };
}
