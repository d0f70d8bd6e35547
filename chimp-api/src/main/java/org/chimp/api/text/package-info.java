/** Text inputs: one text or a bounded list of texts, and the JSON form they arrive in. */
package org.chimp.api.text;
