mod pg;
