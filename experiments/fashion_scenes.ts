/**
 * The default benchmark: 64 x 64 scenes of 2-4 Fashion-MNIST items, Trouser, Sneaker and Bag
 * unseen (their pixels unannotated in training, like background), scored on all ten classes.
 * Everything else is `DEFAULT_CONFIG`, the paper's full method; presets set the schedule.
 *
 * @module
 */
import { defineExperiment } from "../lib/spec/define.ts";

export default defineExperiment({
  name: "fashion-scenes",
  title: "Fashion-MNIST scenes, 3 unseen classes",
  // The data choices, stated for the reader; they equal the defaults.
  set: {
    "data.source": "fashion-scenes",
    "data.unseen": ["Trouser", "Sneaker", "Bag"],
  },
});
