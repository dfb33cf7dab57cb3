// A question's or an answer's image (its web rendition) as the attempt and result pages show it.
import { Image } from '@mantine/core';
import { derivativeUrl } from '../../assets-api.ts';

export function QuizImage({ image, of }: { image: { assetId: string; alt: string }; of: 'question' | 'answer' }) {
  const spacing = of === 'question' ? { my: 'xs' } : { mt: 4 };
  return (
    <Image
      src={derivativeUrl(image.assetId, 'web')}
      alt={image.alt}
      maw={of === 'question' ? 480 : 240}
      fit="contain"
      radius="sm"
      {...spacing}
    />
  );
}
