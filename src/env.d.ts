/// <reference types="astro/client" />

declare namespace App {
  interface Locals {
    user?: import('./store/types').UserRecord;
    runtime: import('./app/runtime').Runtime;
    /** The socket's peer address, set by scripts/serve.mjs (see auth/client-address.ts). */
    socketAddress?: string;
  }
}
