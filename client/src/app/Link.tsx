import type { ReactNode, MouseEvent } from 'react';
import { navigate, routePath, useRouter, type Route } from './router';

/** An in-app link: a real <a href> (keyboard, middle-click) that navigates without reloading. */
export function Link({
  to,
  children,
  className,
}: {
  to: Route;
  children: ReactNode;
  className?: string;
}) {
  const current = useRouter((s) => s.route.name);
  const onClick = (e: MouseEvent<HTMLAnchorElement>) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
    e.preventDefault();
    navigate(to);
  };
  return (
    <a
      href={routePath(to)}
      onClick={onClick}
      className={className}
      aria-current={current === to.name ? 'page' : undefined}
    >
      {children}
    </a>
  );
}
