/** Example models, one per task, that {@code --examples} and {@code chimp models add-examples} register. */
package org.chimp.server.examples;
