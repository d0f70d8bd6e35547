/** The text-embedding task's output: one vector per input text. */
package org.chimp.api.embedding;
