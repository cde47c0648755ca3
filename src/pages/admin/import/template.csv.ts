import type { APIRoute } from 'astro';
import { importTemplateDownload } from '../../../app/admin-view';

/** The trainee import template: the header row and one example row, UTF-8 with BOM for Excel. */
export const GET: APIRoute = () => importTemplateDownload();
