/** Offset paging as Clarifai defines it: page starts at 1. Its own file so every store port can name it without importing another. */
export interface Page {
  page: number;
  perPage: number;
}
