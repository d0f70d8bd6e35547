/** Latent diffusion on ONNX Runtime: one pipeline (CLIP tokenizer, text encoder, UNet, DDIM or Euler, VAE decoder) behind two architectures. */
package org.chimp.models.diffusion;
