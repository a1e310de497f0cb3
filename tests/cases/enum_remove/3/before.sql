UPDATE tasks SET s = 'done', history = '{done}' WHERE s = 'legacy';
