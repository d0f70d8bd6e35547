/** What happens to a newly trained version: nothing, Staging, or Production if it beats the Production version on the same held-out data. */
package org.chimp.training.promotion;
