/**
 * The playground's build: a static folder that also opens from disk (file://). Browsers refuse
 * ES-module scripts and crossorigin requests from file:// pages, so the build emits one classic
 * script (an IIFE) loaded with `defer`, and relative asset paths (base './').
 */
import { defineConfig } from 'vite';

export default defineConfig({
  base: './',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    modulePreload: false,
    rollupOptions: { output: { format: 'iife' } },
  },
  plugins: [
    {
      name: 'densely-classic-script',
      apply: 'build',
      enforce: 'post',
      transformIndexHtml: (html: string) => html.replace(/<script type="module" crossorigin/g, '<script defer').replace(/ crossorigin/g, ''),
    },
  ],
});
