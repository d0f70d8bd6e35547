/** The text-generation task: a prompt with its sampling settings in, the generated text out. */
package org.chimp.api.generation;
