/** Synthetic, seeded face images for trying CHIMP without a real dataset. */
package org.chimp.training.sample;
