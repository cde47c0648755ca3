/// <reference types="astro/client" />

declare namespace App {
  interface Locals {
    user?: import('./store/types').UserRecord;
    runtime: import('./app/runtime').Runtime;
  }
}
