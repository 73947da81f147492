import { NextResponse, type NextRequest } from 'next/server';
import { allowedWebHosts, hostNameOf } from '@fluxo/schema';

let allowed: Set<string> | undefined;

/**
 * Answers only to the host names the dashboard is configured for (FLUXO_WEB_ALLOWED_HOSTS, default
 * loopback names and FLUXO_WEB_HOST): a page on another site whose name was rebound to this
 * machine's address (DNS rebinding) gets 421 and reads nothing. The settings were validated at
 * server start (instrumentation.ts); here they are only read.
 */
export function middleware(request: NextRequest): NextResponse {
  allowed ??= allowedWebHosts({
    allowedHosts: process.env['FLUXO_WEB_ALLOWED_HOSTS']?.split(',').map((host) => host.trim()).filter((host) => host !== ''),
    webHost: process.env['FLUXO_WEB_HOST'] ?? '127.0.0.1',
  });
  const host = hostNameOf(request.headers.get('host') ?? '');
  if (!allowed.has(host)) {
    return new NextResponse(`This dashboard does not answer to the host name "${host.slice(0, 100)}" (FLUXO_WEB_ALLOWED_HOSTS).\n`, {
      status: 421,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
    });
  }
  return NextResponse.next();
}

export const config = { runtime: 'nodejs', matcher: '/:path*' };
