#ifndef MLPACK_SPIN_H
#define MLPACK_SPIN_H

/// One iteration of a spin-wait loop: x86 `pause` (yields the core's pipeline to a sibling
/// hyperthread and saves power while a thread polls memory), `yield` on arm64.
void mlpack_spin_pause(void);

#endif
