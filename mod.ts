/** c2s-lab public API. */
