"""From the pad to orbit: equations of motion, guidance, staging and the payload search."""
