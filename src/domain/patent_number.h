/* patent_number: Chinese patent application numbers ("ZL202110123456.7") and their check digit. */
#ifndef TECHPOOL_PATENT_NUMBER_H
#define TECHPOOL_PATENT_NUMBER_H

/* NULL when number is a valid CN application number, else a static English message. */
const char *patent_number_problem(const char *number);

#endif
