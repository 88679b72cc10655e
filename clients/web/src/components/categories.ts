// The category tree as choices for a Select: each root, then its children as "Root › Child".
import { useQuery } from '@tanstack/react-query';
import { StorefrontCategoriesDocument } from '../__generated__/graphql.ts';
import { execute } from '../api/client.ts';

export function useCategoryOptions(): { value: string; label: string }[] {
  const categories = useQuery({ queryKey: ['categories'], queryFn: () => execute(StorefrontCategoriesDocument, {}), staleTime: 300_000 });
  return (categories.data?.categories ?? []).flatMap((root) => [
    { value: root.id, label: root.name },
    ...root.children.map((child) => ({ value: child.id, label: `${root.name} › ${child.name}` })),
  ]);
}
