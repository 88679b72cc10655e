import { useState } from 'react';
import { Image } from '@mantine/core';

/** A product's first image, or a neutral placeholder when it has none or it does not load. */
export function ProductImage({ images, title, height }: { images: readonly string[]; title: string; height: number }) {
  const [broken, setBroken] = useState(false);
  const src = !broken && images[0] ? images[0] : '/placeholder.svg';
  return <Image src={src} alt={title} h={height} fit="cover" onError={() => setBroken(true)} referrerPolicy="no-referrer" />;
}
